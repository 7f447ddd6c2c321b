# medkg in a container: slim, non-root, with a health check.
#   docker build -t medkg .
#   docker run --rm -p 8000:8000 -v medkg-store:/srv/medkg/.medkg medkg
# The image carries the seed project (medkg init) and the browser assets; mount your own
# project over /srv/medkg to serve it instead.

# 1. the browser libraries, pinned by frontend/package-lock.json
FROM node:20-slim AS assets
WORKDIR /build/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts --loglevel=error

# 2. the wheel, with the assets and the seed inside
FROM python:3.11-slim AS wheel
WORKDIR /build
COPY . .
COPY --from=assets /build/frontend/node_modules/@zazuko/yasgui/build/yasgui.min.js \
     /build/frontend/node_modules/@zazuko/yasgui/build/yasgui.min.css \
     /build/frontend/node_modules/cytoscape/dist/cytoscape.min.js \
     /build/frontend/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
     /build/frontend/node_modules/swagger-ui-dist/swagger-ui.css \
     src/medkg/web/static/vendor/
RUN pip wheel --no-cache-dir --no-deps -w /dist .

# 3. the service
FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --home-dir /srv/medkg --uid 10001 medkg
COPY --from=wheel /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/medkg-*.whl && rm /tmp/medkg-*.whl
USER medkg
WORKDIR /srv/medkg
RUN medkg init /srv/medkg
ENV MEDKG_HOST=0.0.0.0 MEDKG_PORT=8000 MEDKG_STORE=oxigraph:/srv/medkg/.medkg/store
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/health', timeout=4)"
CMD ["medkg", "serve"]
