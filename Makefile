# The two commands of the README: `make serve` and `make test`. Both set up what they need.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: serve test setup lint clean java assets chromium bench virtuoso jemalloc mount seccomp jq

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

setup: $(BIN)/.installed

serve: setup assets jemalloc seccomp
	$(BIN)/medkg serve

lint: setup
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint java assets chromium virtuoso jemalloc mount seccomp jq
	$(BIN)/pytest
	$(BIN)/pytest --medkg-store=sparql  # the app-level tests again, over a real `oxigraph serve`

# mount and unshare (util-linux): as root, the read-only store tests bind-mount a folder
# read-only in a private mount namespace (root ignores permission bits)
mount:
	@command -v mount >/dev/null && command -v unshare >/dev/null || { apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q mount util-linux; }

# libseccomp (Debian; apt itself needs it, so it is nearly always there): the filter that keeps
# the threads and processes evaluating SPARQL off the network (endpoint/sandbox.py).
seccomp:
	@/sbin/ldconfig -p | grep -q libseccomp.so.2 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libseccomp2 \
	  >/dev/null; }

# jemalloc (Debian) for the query workers: Oxigraph answers about 14% sooner under it than under
# glibc's malloc (setting query_allocator); without it workers fall back to the system malloc
jemalloc:
	@/sbin/ldconfig -p | grep -q libjemalloc.so.2 || { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libjemalloc2 \
	  >/dev/null; } || echo "libjemalloc2 could not be installed: query workers use the system malloc"

# Virtuoso (Debian) for the store contract tests; where apt cannot install it, the contract runs
# without it and says so here
virtuoso:
	@command -v virtuoso-t >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq --no-install-recommends virtuoso-opensource >/dev/null; } \
	  || echo "virtuoso-opensource could not be installed: contract tests run without Virtuoso"

# HermiT, the OWL reasoner of `medkg validate`, runs on a JVM (Java 11+).
java:
	@command -v java >/dev/null || (apt-get update -q && apt-get install -y -q default-jre-headless)

clean:
	rm -rf .medkg build dist src/*.egg-info
	rm -rf src/medkg/web/static/vendor frontend/node_modules

# Browser libraries medkg serves itself, never from a CDN: `npm ci` against the committed
# frontend/package-lock.json, then the built files are copied into the (git-ignored) static dir.
VENDOR := src/medkg/web/static/vendor
VENDOR_FILES := frontend/node_modules/@zazuko/yasgui/build/yasgui.min.js \
	frontend/node_modules/@zazuko/yasgui/build/yasgui.min.css \
	frontend/node_modules/cytoscape/dist/cytoscape.min.js \
	frontend/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	frontend/node_modules/swagger-ui-dist/swagger-ui.css

$(VENDOR)/.installed: frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { apt-get update -q && apt-get install -y -q nodejs npm; }
	cd frontend && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	mkdir -p $(VENDOR)
	cp $(VENDOR_FILES) $(VENDOR)/
	touch $@

assets: $(VENDOR)/.installed

# Debian's Chromium for the browser tests (tests/browser); apt only when it is missing.
chromium:
	@test -x /usr/bin/chromium || { apt-get update -q && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q --no-install-recommends chromium fonts-liberation; }

# curl and jq: the README's review-queue walkthrough runs as a test (tests/conformance)
jq:
	@command -v curl >/dev/null && command -v jq >/dev/null || { apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends curl jq; }

# Scale bench (not part of `make test`): CLAIMS="10000 100000 1000000" make bench; run under nice
CLAIMS ?= 10000
bench: setup jemalloc
	$(BIN)/pip install -q -e '.[bench]'
	nice -n 10 $(BIN)/python -m bench.scale --claims $(CLAIMS)
