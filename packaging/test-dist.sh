#!/usr/bin/env bash
# make test-dist: installs the artifacts of dist/ as a user would, in a
# temporary directory outside the repository, with cargo, rustc, rustup and
# maturin off PATH (stubs that fail stand in for them) and CARGO_HOME and
# RUSTUP_HOME empty, and runs the documented examples against `paysig
# serve` from the tarball. Expected signatures come from tests/vectors.
# Ends with "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/dist
version=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["workspace"]["package"]["version"])' "$root/Cargo.toml")
auditwheel=$root/.venv/bin/auditwheel   # a Python tool, kept by its path
vectors=$root/tests/vectors
example_c=$root/tests/c/example.c

work=$(mktemp -d /tmp/paysig-test-dist.XXXXXX)
chmod 755 "$work"   # php-fpm's workers run as nobody
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  # serve() runs inside $(...), a subshell: its servers' pids come by file.
  if [ -f "$work/serve.pids" ]; then
    while read -r pid; do kill "$pid" 2>/dev/null; done <"$work/serve.pids"
  fi
  wait 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0
pass() { passed=$((passed + 1)); echo "test-dist: ok: $*"; }
fail() { failed=$((failed + 1)); echo "test-dist: FAIL: $*" >&2; }
# check NAME COMMAND...: one test; its output is shown when it fails.
check() {
  local name=$1; shift
  local log=$work/check.log
  if "$@" >"$log" 2>&1; then pass "$name"; else fail "$name"; sed 's/^/    /' "$log" >&2; fi
}

for artifact in "paysig-$version-x86_64-linux-gnu.tar.gz" "libpaysig0_${version}_amd64.deb" \
    "libpaysig-dev_${version}_amd64.deb" "paysig_${version}_amd64.deb" "paysig-php-$version.zip" \
    "paysig-$version.tar.gz" "paysig-$version-cp310-abi3-musllinux_1_2_x86_64.whl"; do
  [ -f "$dist/$artifact" ] || { echo "test-dist: FAIL: dist/$artifact is missing: run make dist" >&2; exit 1; }
done
wheel=$(ls "$dist"/paysig-"$version"-cp310-abi3-manylinux*.whl)
musl_wheel=$dist/paysig-$version-cp310-abi3-musllinux_1_2_x86_64.whl

# --- No Rust from here on ---------------------------------------------------
stubs=$work/no-rust
mkdir -p "$stubs" "$work/cargo-home" "$work/rustup-home"
clean_path=$stubs
IFS=: read -ra dirs <<<"$PATH"
for dir in "${dirs[@]}"; do
  skip=
  for tool in cargo rustc rustup maturin; do [ -x "$dir/$tool" ] && skip=1; done
  [ -n "$skip" ] || clean_path+=":$dir"
done
for tool in cargo rustc rustup maturin cargo-zigbuild; do
  printf '#!/bin/sh\necho "test-dist: %s was called: no Rust tool may be used here" >&2\nexit 127\n' "$tool" > "$stubs/$tool"
  chmod +x "$stubs/$tool"
done
export PATH=$clean_path CARGO_HOME=$work/cargo-home RUSTUP_HOME=$work/rustup-home
unset PKG_CONFIG_PATH CARGO_TARGET_DIR VIRTUAL_ENV
cd "$work"

# The documented OnchainPay example's signature (tests/vectors).
want=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cases"][0]["expect"]["headers"]["x-api-signature"])' "$vectors/onchainpay.json")

# --- The tarball ------------------------------------------------------------
tar -xzf "$dist/paysig-$version-x86_64-linux-gnu.tar.gz"
tarball=$work/paysig-$version-x86_64-linux-gnu
paysig=$tarball/bin/paysig

tarball_layout() {
  set -e
  for f in bin/paysig lib/libpaysig.so "lib/libpaysig.so.$version" lib/libpaysig.so.0 lib/libpaysig.a \
      lib/pkgconfig/paysig.pc include/paysig/paysig.h include/paysig/paysig_ffi.h LICENSE-MIT LICENSE-APACHE \
      share/man/man1/paysig.1.gz share/bash-completion/completions/paysig share/zsh/site-functions/_paysig \
      share/fish/vendor_completions.d/paysig.fish; do
    [ -e "$tarball/$f" ] || { echo "missing $f"; exit 1; }
  done
  [ "$(readlink "$tarball/lib/libpaysig.so.0")" = "libpaysig.so.$version" ]
  readelf -d "$tarball/lib/libpaysig.so.$version" | grep -q 'SONAME.*\[libpaysig.so.0\]'
  # Relocatable: pkg-config resolves the prefix to where the tarball lies.
  [ "$(PKG_CONFIG_PATH=$tarball/lib/pkgconfig pkg-config --variable=libdir paysig)" -ef "$tarball/lib" ]
  [ "$(PKG_CONFIG_PATH=$tarball/lib/pkgconfig pkg-config --modversion paysig)" = "$version" ]
  [ "$("$paysig" --version)" = "paysig $version" ]
  bash -n "$tarball/share/bash-completion/completions/paysig"
  "$paysig" completions bash | grep -q 'serve'
  zcat "$tarball/share/man/man1/paysig.1.gz" | grep -q '^\.TH paysig 1'
}
check "tarball: layout, SONAME links, relocatable paysig.pc, paysig --version, man page, completions" tarball_layout

# serve SCHEME KEY SECRET: starts `paysig serve` from the tarball; prints its URL.
serve() {
  local out=$work/serve-$1.out
  SERVE_SECRET=$3 "$paysig" serve "$1" --port 0 --key "$2" --secret-env SERVE_SECRET >"$out" 2>&1 &
  echo $! >>"$work/serve.pids"
  for _ in $(seq 100); do
    if grep -qo 'http://127\.0\.0\.1:[0-9]*' "$out"; then grep -o 'http://127\.0\.0\.1:[0-9]*' "$out" | head -1; return 0; fi
    sleep 0.1
  done
  echo "paysig serve $1 did not start: $(cat "$out")" >&2
  return 1
}
onchainpay_url=$(serve onchainpay PUBLIC_KEY PRIVATE_KEY)
aquapay_url=$(serve aquapay YOUR_API_KEY YOUR_API_SECRET)

# --- Every shipped ELF: glibc 2.17, stripped, only paysig_ exported ----------
elves=$work/elves
mkdir -p "$elves/deb" "$elves/php" "$elves/wheel" "$elves/musl-wheel"
for deb in "$dist"/*.deb; do dpkg-deb -x "$deb" "$elves/deb"; done
unzip -q "$dist/paysig-php-$version.zip" -d "$elves/php"
unzip -q "$wheel" -d "$elves/wheel"
unzip -q "$musl_wheel" -d "$elves/musl-wheel"
glibc_217() {
  set -e
  local n=0 f newest
  while IFS= read -r f; do
    case $f in */linux-x86_64-musl/*|*/musl-wheel/*) continue;; esac
    newest=$(objdump -T "$f" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
    echo "$f: GLIBC_$newest"
    [ "$(printf '%s\n2.17\n' "$newest" | sort -V | tail -1)" = 2.17 ] || { echo "needs GLIBC_$newest > 2.17"; exit 1; }
    readelf -S "$f" | grep -q '\.symtab' && { echo "$f is not stripped"; exit 1; }
    n=$((n + 1))
  done < <(find "$tarball" "$elves" -type f \( -name '*.so*' -o -perm -u+x \) ! -name '*.a' -exec sh -c 'head -c4 "$1" | grep -q ELF' _ {} \; -print)
  [ "$n" -ge 6 ] || { echo "only $n ELF files found"; exit 1; }
  echo "$n ELF files"
}
check "every shipped glibc ELF needs GLIBC_2.17 at most and is stripped" glibc_217
exports() {
  set -e
  for f in "$tarball/lib/libpaysig.so.$version" "$elves/php/lib/linux-x86_64-gnu/libpaysig.so" \
      "$elves/php/lib/linux-x86_64-musl/libpaysig.so"; do
    nm -D --defined-only "$f" | awk '{print $NF}' | grep -v '^paysig_' && { echo "$f exports more than paysig_*"; exit 1; }
    nm -D --defined-only "$f" | grep -q ' paysig_signer_new$'
  done
  readelf -d "$elves/php/lib/linux-x86_64-musl/libpaysig.so" | grep NEEDED | grep -v '\[libc.so\]' && exit 1
  readelf -h "$elves/php/lib/linux-x86_64-musl/libpaysig.so" | grep -q 'X86-64'
}
check "libpaysig (gnu and musl) exports only paysig_*; the musl one needs only musl's libc.so" exports

licenses() {
  set -e
  # MIT OR Apache-2.0 everywhere, with both texts.
  unzip -p "$wheel" "paysig-$version.dist-info/METADATA" | grep -qx 'License-Expression: MIT OR Apache-2.0'
  unzip -l "$wheel" | grep -q "paysig-$version.dist-info/licenses/LICENSE-APACHE"
  unzip -l "$wheel" | grep -q "paysig-$version.dist-info/licenses/LICENSE-MIT"
  php -r '$l = json_decode(file_get_contents($argv[1]), true)["license"]; exit($l === ["MIT", "Apache-2.0"] ? 0 : 1);' "$elves/php/composer.json"
  cmp "$elves/php/LICENSE-MIT" "$root/LICENSE-MIT" && cmp "$tarball/LICENSE-APACHE" "$root/LICENSE-APACHE"
  grep -qx 'License: MIT or Apache-2.0' "$elves/deb/usr/share/doc/paysig/copyright"
  cmp "$elves/deb/usr/share/doc/libpaysig0/LICENSE-MIT" "$root/LICENSE-MIT"
  grep -q '^license = "MIT OR Apache-2.0"$' "$root/Cargo.toml"
}
check "licenses: MIT OR Apache-2.0 in the wheel, the Composer archive, the .debs, the tarball, as in Cargo.toml" licenses

# --- Python -----------------------------------------------------------------
wheels() {
  set -e
  "$auditwheel" show "$wheel" | tee "$work/auditwheel.txt"
  tr -s ' \n' ' ' <"$work/auditwheel.txt" | grep -q 'consistent with the following platform tag: "manylinux_2_17_x86_64"'
  "$auditwheel" show "$musl_wheel" | tr -s ' \n' ' ' | grep -q 'platform tag: "musllinux_1_2_x86_64"'
  case $wheel in *manylinux2014_x86_64*) ;; *) echo "not tagged manylinux2014: $wheel"; exit 1;; esac
}
check "auditwheel show: manylinux2014 (manylinux_2_17) and musllinux_1_2" wheels
sdist() {
  set -e
  tar -tzf "$dist/paysig-$version.tar.gz" > "$work/sdist.txt"
  grep -q "^paysig-$version/core/src/lib.rs$" "$work/sdist.txt"
  grep -q "^paysig-$version/python/src/" "$work/sdist.txt"
  ! grep -E '/(tests|benches|benchmarks|examples)/' "$work/sdist.txt"
}
check "sdist: the sources, no tests, benchmarks or examples" sdist
python_requests() {
  set -e
  python3 -m venv "$work/venv"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check --no-index --no-deps "$wheel"
  "$work/venv/bin/pip" install --quiet --disable-pip-version-check requests==2.34.2
  cat > "$work/requests_example.py" <<'EOF'
import sys
from importlib.metadata import version

import requests, paysig, paysig.requests  # README's example, against paysig serve

base, secret = sys.argv[1], sys.argv[2]
r = requests.post(base + "/price-rate", json={"from": "ETH", "to": "USDT"},
                  auth=paysig.requests.OnchainPayAuth("PUBLIC_KEY", secret))
print(version("paysig"), r.status_code, r.text)
EOF
  local out
  out=$("$work/venv/bin/python" "$work/requests_example.py" "$onchainpay_url" PRIVATE_KEY)
  echo "$out"; [[ $out == "$version 200 "* ]]
  # The control: the same request with a wrong key is refused.
  out=$("$work/venv/bin/python" "$work/requests_example.py" "$onchainpay_url" WRONG_KEY)
  echo "$out"; [[ $out == "$version 401 "* ]]
  "$work/venv/bin/python" -c 'import paysig, os; assert "/venv/" in paysig.__file__, paysig.__file__'
}
check "python: fresh venv, the manylinux wheel, README's requests example against paysig serve (200; wrong key 401)" python_requests

# --- The .debs, C -----------------------------------------------------------
staging=$work/root
mkdir -p "$staging"
for deb in "$dist"/*.deb; do dpkg-deb -x "$deb" "$staging"; done
multiarch=$staging/usr/lib/x86_64-linux-gnu
debs() {
  set -e
  [ "$(dpkg-deb -f "$dist/libpaysig0_${version}_amd64.deb" Version)" = "$version" ]
  [ "$(dpkg-deb -f "$dist/libpaysig-dev_${version}_amd64.deb" Depends)" = "libpaysig0 (= $version)" ]
  dpkg-deb -I "$dist/libpaysig0_${version}_amd64.deb" triggers | grep -qx 'activate-noawait ldconfig'
  [ -L "$multiarch/libpaysig.so.0" ] && [ -L "$multiarch/libpaysig.so" ] && [ -f "$multiarch/libpaysig.a" ]
  [ -f "$staging/usr/share/man/man1/paysig.1.gz" ]
  [ -f "$staging/usr/share/bash-completion/completions/paysig" ]
  [ -f "$staging/usr/share/zsh/vendor-completions/_paysig" ]
  [ -f "$staging/usr/share/fish/vendor_completions.d/paysig.fish" ]
  [ -f "$staging/usr/share/doc/libpaysig0/copyright" ]
  [ "$("$staging/usr/bin/paysig" --version)" = "paysig $version" ]
}
check "debs: versions, libpaysig-dev depends on libpaysig0 (= $version), ldconfig trigger, man page, completions" debs
# pkg-config over the staging root, as over / after dpkg -i.
deb_pkg_config() {
  PKG_CONFIG_SYSROOT_DIR=$staging PKG_CONFIG_LIBDIR=$multiarch/pkgconfig pkg-config "$@"
}
c_shared() {
  set -e
  # shellcheck disable=SC2046
  cc -Wall -Wextra -Werror -o "$work/example-shared" "$example_c" $(deb_pkg_config --cflags --libs paysig)
  readelf -d "$work/example-shared" | grep -q 'NEEDED.*\[libpaysig.so.0\]'
  local out; out=$(LD_LIBRARY_PATH=$multiarch "$work/example-shared")
  echo "$out"
  grep -qx "libpaysig $version" <<<"$out"
  grep -qx "x-api-signature: $want" <<<"$out"
}
check "C (debs): cc example.c \$(pkg-config --cflags --libs paysig), runs, the vector's signature" c_shared
c_static() {
  set -e
  # shellcheck disable=SC2046
  cc -static -Wall -Wextra -Werror -o "$work/example-static" "$example_c" $(deb_pkg_config --static --cflags --libs paysig)
  ! readelf -d "$work/example-static" | grep -q NEEDED
  local out; out=$(env -u LD_LIBRARY_PATH "$work/example-static")
  echo "$out"
  grep -qx "x-api-signature: $want" <<<"$out"
}
check "C (debs): cc -static example.c \$(pkg-config --static --cflags --libs paysig), runs, the vector's signature" c_static

# --- PHP: Composer ------------------------------------------------------------
app=$work/php-app
mkdir -p "$app" "$work/artifacts" "$work/composer-home"
cp "$dist/paysig-php-$version.zip" "$work/artifacts/"
cat > "$app/composer.json" <<EOF
{
    "name": "example/app",
    "repositories": [
        {"type": "artifact", "url": "$work/artifacts"},
        {"packagist.org": false}
    ],
    "require": {"paysig/paysig": "$version"}
}
EOF
# The Aquapay documentation's Guzzle example (README), against paysig serve.
cat > "$app/aquapay.php" <<'EOF'
<?php
require '/usr/share/php/GuzzleHttp/autoload.php'; // Debian's php-guzzlehttp-guzzle
require __DIR__ . '/vendor/autoload.php';

use GuzzleHttp\{Client, HandlerStack};
use Paysig\Guzzle\Middleware;

$base = PHP_SAPI === 'cli' ? $argv[1] : $_GET['base'];
$secret = PHP_SAPI === 'cli' ? $argv[2] : $_GET['secret'];
$stack = HandlerStack::create();
$stack->push(Middleware::aquapay('YOUR_API_KEY', $secret), 'paysig');
$client = new Client(['base_uri' => $base, 'handler' => $stack, 'http_errors' => false]);
$response = $client->request('GET', '/payment/v1/payment', [
    'query' => ['startTime' => 1628654316000, 'endTime' => 1628654346000],
]);
echo $response->getStatusCode(), ' ', Paysig\Library::source(), "\n";
EOF
php_composer() {
  set -e
  cd "$app"
  COMPOSER_HOME=$work/composer-home COMPOSER_DISABLE_NETWORK=1 COMPOSER_ALLOW_SUPERUSER=1 \
    composer install --no-interaction --no-progress 2>&1
  local pkg=$app/vendor/paysig/paysig
  [ -f "$pkg/lib/linux-x86_64-gnu/libpaysig.so" ] && [ -f "$pkg/lib/linux-x86_64-musl/libpaysig.so" ]
  [ -f "$pkg/include/paysig_ffi.h" ] && [ -f "$pkg/LICENSE-MIT" ] && [ -f "$pkg/LICENSE-APACHE" ]
  [ ! -e "$pkg/tests" ] && [ ! -e "$pkg/benchmarks" ] && [ ! -e "$pkg/phpunit.xml.dist" ]
  php -r 'exit(json_decode(file_get_contents($argv[1]), true)["version"] === $argv[2] ? 0 : 1);' "$pkg/composer.json" "$version"
  grep -q '"MIT"' "$pkg/composer.json" && grep -q '"Apache-2.0"' "$pkg/composer.json"
}
check "php: composer install of the dist archive (artifact repository, no network): both libraries, the header, no tests" php_composer
php_cli() {
  set -e
  local out
  out=$(env -u PAYSIG_LIB -u PAYSIG_HEADER php "$app/aquapay.php" "$aquapay_url" YOUR_API_SECRET)
  echo "$out"
  [ "$out" = "200 $app/vendor/paysig/paysig/lib/linux-x86_64-gnu/libpaysig.so" ]
  out=$(php "$app/aquapay.php" "$aquapay_url" WRONG_SECRET); echo "$out"; [[ $out == "401 "* ]]
}
check "php (CLI): the Aquapay Guzzle example with the bundled library (200; wrong secret 401)" php_cli
php_fpm() {
  set -e
  local pkg=$app/vendor/paysig/paysig header=$work/paysig-preload.h port
  # The recipe for a server that starts as root (php-ext/README.md).
  php "$pkg/preload.php" --write-header "$header"
  grep -q "^#define FFI_LIB \"$pkg/lib/linux-x86_64-gnu/libpaysig.so\"$" "$header"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat > "$work/fpm.conf" <<EOF
[global]
error_log = $work/fpm.log
pid = $work/fpm.pid
daemonize = no
[app]
user = nobody
group = nogroup
listen = 127.0.0.1:$port
pm = static
pm.max_children = 1
catch_workers_output = yes
EOF
  php-fpm8.2 --nodaemonize --fpm-config "$work/fpm.conf" -d ffi.enable=preload -d "ffi.preload=$header" \
    -d opcache.enable=1 -d "opcache.preload=$pkg/preload.php" -d opcache.preload_user=nobody &
  pids+=($!)
  local out
  for _ in $(seq 50); do
    out=$(SCRIPT_FILENAME=$app/aquapay.php REQUEST_METHOD=GET \
      QUERY_STRING="base=$aquapay_url&secret=YOUR_API_SECRET" cgi-fcgi -bind -connect "127.0.0.1:$port" 2>&1) && break
    sleep 0.2
  done
  echo "$out"; cat "$work/fpm.log" 2>/dev/null
  grep -qx '200 scope PAYSIG' <<<"$out"
}
check "php-fpm: ffi.preload + opcache.preload of the installed package, the Aquapay Guzzle example (200 via scope PAYSIG)" php_fpm

# --- Go -----------------------------------------------------------------------
# go/ alone, as a module proxy would serve it, and a new module using it
# through the tarball's relocatable paysig.pc.
mkdir -p "$work/go/paysig" "$work/go/app"
cp -r "$root/go/." "$work/go/paysig/"
cat > "$work/go/app/go.mod" <<EOF
module example.com/app

go 1.22

require paysig.dev/go/paysig v$version

replace paysig.dev/go/paysig => ../paysig
EOF
cat > "$work/go/app/main.go" <<'EOF'
// Signs OnchainPay's documented price-rate example.
package main

import (
	"fmt"
	"os"

	"paysig.dev/go/paysig"
)

func main() {
	signer, err := paysig.NewOnchainPay("PUBLIC_KEY", "PRIVATE_KEY")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer signer.Close()
	signed, err := signer.SignWithNonce([]byte(`{"from":"ETH","to":"USDT"}`), 1643881172430)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("x-api-signature: " + signed.Header("x-api-signature"))
}
EOF
export GOFLAGS=-mod=mod GOPROXY=off GOWORK=off GOPATH=$work/gopath
go_run() {
  set -e
  cd "$work/go/app"
  PKG_CONFIG_PATH=$tarball/lib/pkgconfig go build "$@" -o "$work/go-app" .
  local out; out=$(LD_LIBRARY_PATH=$tarball/lib "$work/go-app"); echo "$out"
  [ "$out" = "x-api-signature: $want" ]
}
check "go: a new module (replace to a copy of go/), pkg-config from the tarball, builds and runs" go_run
go_vendor() {
  set -e
  cd "$work/go/app"
  go mod vendor
  [ -f vendor/paysig.dev/go/paysig/paysig.go ]
  GOFLAGS=-mod=vendor go_run
}
check "go: the same after go mod vendor (-mod=vendor)" go_vendor
go_static() {
  set -e
  go_run -tags paysig_static
  ! readelf -d "$work/go-app" | grep -q 'libpaysig'
}
check "go: -tags paysig_static links libpaysig.a (no libpaysig.so.0 needed)" go_static
go_missing() {
  cd "$work/go/app"
  local out
  # An empty build cache: a cached build would not run pkg-config again.
  out=$(PKG_CONFIG_LIBDIR=$work/nowhere GOCACHE=$work/gocache-empty go build -o "$work/go-missing" . 2>&1) \
    && { echo "built without libpaysig"; return 1; }
  echo "$out"
  grep -q "paysig" <<<"$out" && grep -q "PKG_CONFIG_PATH" <<<"$out"
}
check "go: without libpaysig the build fails and names paysig.pc / PKG_CONFIG_PATH" go_missing

# The Rust stubs were never called (a call fails the check that made it).
echo "test-dist: $passed passed, $failed failed"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
