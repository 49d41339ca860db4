# Switchboard's two set-up commands: `make run` opens the app, `make test` runs every test.
# Both install what is missing on Debian 12 / Ubuntu 22.04+ (apt packages, with sudo when not
# root; npm packages; tauri-driver) and need Rust (rustup) and Node.js >= 20.19.

SHELL := /bin/bash
.DEFAULT_GOAL := run
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)

BUILD_PACKAGES := build-essential pkg-config file libwebkit2gtk-4.1-dev libssl-dev libdbus-1-dev \
	libxdo-dev librsvg2-dev xdg-utils desktop-file-utils
TEST_PACKAGES := rpm2cpio cpio xvfb xauth webkit2gtk-driver gnome-keyring keyutils dbus libglib2.0-bin curl openssl python3
BENCH_PACKAGES := xdotool x11-utils

# apt-get install whatever of $(1) is not installed yet.
define apt_install
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "install ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing:" $$missing; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi
endef

.PHONY: run test one-click-app toolchain build-deps test-deps ui-deps ui bindings bench package package-debug

run: build-deps ui
	cargo build --bin switchboard
	./target/debug/switchboard

test: build-deps test-deps ui
	npm --prefix ui run check
	npm --prefix ui test
	cargo fmt --all --check
	cargo clippy --workspace --all-targets --locked -- -D warnings
	tests/core-is-tauri-free.sh
	python3 tests/core-layers.py
	tests/one-jwt-crypto-backend.sh
	$(MAKE) one-click-app
	$(MAKE) package-debug
	tests/session.sh tests/cargo-test.sh || { cat target/test-failures.txt 2>/dev/null; exit 1; }

# The app and the CLI as a build with built-in clients (tests/oidc/built-in-clients.toml,
# oidc-provider's stand-in for Google's), for tests/one_click_window.rs; the next build goes back
# to none (the core's build script reruns when SWITCHBOARD_CLIENTS changes).
one-click-app: ui
	SWITCHBOARD_CLIENTS=tests/oidc/built-in-clients.toml cargo build --bin switchboard --bin switchboard-cli
	cp target/debug/switchboard target/debug/switchboard-one-click
	cp target/debug/switchboard-cli target/debug/switchboard-cli-one-click

# The packages: the .deb from the Tauri CLI, then the AppImage made from it by our own builder
# (src-tauri/appimage/: Tauri's AppImage bundler downloads its tools, ours needs nothing). The
# builder and the AppImage's runtime are release builds for both: the runtime is the first MiB
# of every AppImage and extracts it on first start.
APP_VERSION := $(shell node -p "require('./tauri.conf.json').version" 2>/dev/null)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null || echo amd64)

# $(1): debug or release: target/$(1)/bundle/appimage/Switchboard_<version>_<arch>.AppImage.
define appimage_from_deb
	cargo build --release --locked -p switchboard-appimage
	rm -rf target/$(1)/bundle/appimage && mkdir -p target/$(1)/bundle/appimage
	target/release/switchboard-appimage build \
		--deb target/$(1)/bundle/deb/Switchboard_$(APP_VERSION)_$(DEB_ARCH).deb \
		--runtime target/release/switchboard-appimage-runtime \
		--out target/$(1)/bundle/appimage/Switchboard_$(APP_VERSION)_$(DEB_ARCH).AppImage
endef

# The .deb, .rpm and AppImage of the debug build (same binary the tests use), for tests/package.rs.
package-debug: ui-deps
	rm -rf target/debug/bundle/deb target/debug/bundle/rpm
	npm --prefix ui run tauri -- build --debug --bundles deb,rpm
	$(call appimage_from_deb,debug)

# The release .deb, .rpm and AppImage, in target/release/bundle/{deb,rpm,appimage}/.
package: build-deps ui-deps
	rm -rf target/release/bundle/deb target/release/bundle/rpm
	npm --prefix ui run tauri -- build --bundles deb,rpm
	$(call appimage_from_deb,release)

toolchain:
	@command -v cargo >/dev/null || { echo "Rust is missing: install it with rustup (https://rustup.rs)"; exit 1; }
	@node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=12)||(a===20&&b>=19)?0:1)' 2>/dev/null \
		|| { echo "Node.js 20.19+ or 22.12+ is needed (found: $$(node --version 2>/dev/null || echo none))"; exit 1; }

build-deps: toolchain
	$(call apt_install,$(BUILD_PACKAGES))

test-deps: toolchain tests/oidc/node_modules/.installed
	$(call apt_install,$(TEST_PACKAGES))
	@command -v tauri-driver >/dev/null || cargo install tauri-driver --version '^2' --locked

ui/node_modules/.installed: ui/package.json ui/package-lock.json
	npm --prefix ui install --no-audit --no-fund
	@touch $@

ui-deps: ui/node_modules/.installed

# oidc-provider, the real OAuth/OIDC server the tests sign in against.
tests/oidc/node_modules/.installed: tests/oidc/package.json tests/oidc/package-lock.json
	npm --prefix tests/oidc install --no-audit --no-fund
	@touch $@

# The bundled front end the binary embeds (a binary built without it would not compile).
ui: ui-deps
	npm --prefix ui run build

# Regenerates ui/src/bindings from the Rust types.
bindings:
	UPDATE_BINDINGS=1 cargo test -p switchboard-core --test integration bindings

# Getting a token (criterion, core) and start-up time and memory against an empty Tauri window
# (release builds; see src-tauri/core/benches/ and tests/bench/).
bench: build-deps test-deps ui
	$(call apt_install,$(BENCH_PACKAGES))
	cargo bench -p switchboard-core --bench access_token
	cargo bench -p switchboard-core --bench drive_listing
	cargo bench -p switchboard-core --bench action_overhead
	cargo bench -p switchboard-core --bench chat
	cargo bench -p switchboard-core --bench model_stream
	tests/session.sh tests/bench/startup.sh
