// /docs: Swagger UI over this server's /openapi.json; the online spec validator is off (no
// request leaves this server).
(function () {
  "use strict";
  var root = document.getElementById("swagger");
  window.medkgDocs = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec"),
    domNode: root,
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
  });
})();
