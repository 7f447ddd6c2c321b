// "Load more claims" (the next link in an entity page's nav.pages): fetch the next page (the
// link's own URL, where the link goes without JavaScript) and append its claims to their
// groups on this page.
(function () {
  "use strict";
  const MORE = 'nav.pages a[rel="next"]';

  function appendPage(html, nav) {
    const page = new DOMParser().parseFromString(html, "text/html");
    page.querySelectorAll(".claims[data-group]").forEach(function (fresh) {
      const here = document.querySelector(
        '.claims[data-group="' + fresh.dataset.group + '"]'
      );
      if (!here || fresh.querySelector("p.none")) {
        return;
      }
      const none = here.querySelector("p.none");
      if (none) {
        none.remove();
      }
      while (fresh.firstChild) {
        here.appendChild(document.adoptNode(fresh.firstChild));
      }
    });
    const following = page.querySelector(MORE);
    if (following) {
      nav.querySelector('a[rel="next"]').href = following.getAttribute("href");
    } else {
      nav.querySelector('a[rel="next"]').remove();
    }
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest && event.target.closest(MORE);
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    const nav = link.closest("nav");
    link.setAttribute("aria-busy", "true");
    fetch(link.href, { headers: { Accept: "text/html" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status + " " + response.statusText);
        }
        return response.text();
      })
      .then(function (html) {
        appendPage(html, nav);
      })
      .catch(function () {
        window.location.href = link.href; // the plain link still works
      })
      .finally(function () {
        link.removeAttribute("aria-busy");
      });
  });
})();
