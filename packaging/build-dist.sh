#!/usr/bin/env bash
# make dist: every release artifact into dist/, from the source tree.
#
#   paysig-VERSION-x86_64-linux-gnu.tar.gz   libpaysig (.so + SONAME links,
#                                            .a), headers, paysig.pc, the CLI
#   libpaysig0_, libpaysig-dev_, paysig_VERSION_amd64.deb   (bookworm)
#   paysig-VERSION-cp310-abi3-manylinux2014*.whl, *-musllinux_1_2*.whl
#   paysig-VERSION.tar.gz                    the Python sdist
#   paysig-php-VERSION.zip                   the Composer dist archive
#   SHA256SUMS
#
# Every ELF targets glibc 2.17 (cargo zigbuild / maturin --zig with zig
# from PyPI) or musl 1.2, in the `dist` Cargo profile. Needs what `make
# setup-dist` installs; fails, rather than ships less, when the musl
# target is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dist=$root/dist
stage=$root/build/dist
venv=$root/.venv
export PATH="$venv/bin:$PATH"
export CARGO_TARGET_DIR=$root/target/dist
version=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["workspace"]["package"]["version"])' "$root/Cargo.toml")
gnu=x86_64-unknown-linux-gnu
musl=x86_64-unknown-linux-musl
# A musl cdylib (the PHP bundle's libpaysig, the musllinux wheel) needs
# the C runtime linked dynamically: musl's default is a static binary.
export CARGO_TARGET_X86_64_UNKNOWN_LINUX_MUSL_RUSTFLAGS="-C target-feature=-crt-static"
step() { echo "dist: $*" >&2; }
started=$SECONDS

for tool in cargo-zigbuild maturin python-zig auditwheel; do
  command -v "$tool" >/dev/null || { echo "dist: FAIL: $tool is missing: run make setup-dist" >&2; exit 1; }
done
if ! rustup target list --installed 2>/dev/null | grep -qx "$musl"; then
  echo "dist: FAIL: the Rust target $musl is not installed (make setup-dist runs" \
       "rustup target add $musl); without it there is no musllinux wheel and no musl" \
       "libpaysig for PHP, and make dist does not ship less silently" >&2
  exit 1
fi

rm -rf "$dist" "$stage"
mkdir -p "$dist" "$stage"

step "libpaysig and the paysig command for glibc 2.17"
cargo zigbuild --quiet --locked --profile dist --target "$gnu.2.17" -p paysig-ffi -p paysig-cli
gnu_out=$CARGO_TARGET_DIR/$gnu/dist
step "libpaysig for musl (the PHP bundle)"
cargo zigbuild --quiet --locked --profile dist --target "$musl" -p paysig-ffi
musl_out=$CARGO_TARGET_DIR/$musl/dist

step "the wheels: manylinux2014 and musllinux_1_2"
# Their own target dir: the same dependencies with other flags would
# evict the libpaysig builds' and be rebuilt on every make dist.
CARGO_TARGET_DIR=$root/target/dist-python maturin build --quiet --locked --profile dist --zig --target "$gnu" --compatibility manylinux2014 \
  -m "$root/python/Cargo.toml" -o "$dist"
CARGO_TARGET_DIR=$root/target/dist-python maturin build --quiet --locked --profile dist --zig --target "$musl" --compatibility musllinux_1_2 \
  -m "$root/python/Cargo.toml" -o "$dist"
step "the sdist"
maturin sdist -m "$root/python/Cargo.toml" -o "$dist"

# Man page and completions, from the command's own clap definition.
share=$stage/share
mkdir -p "$share/man/man1" "$share/completions"
"$gnu_out/paysig" completions man | gzip -9n > "$share/man/man1/paysig.1.gz"
"$gnu_out/paysig" completions bash > "$share/completions/paysig.bash"
"$gnu_out/paysig" completions zsh > "$share/completions/_paysig"
"$gnu_out/paysig" completions fish > "$share/completions/paysig.fish"

# pc PREFIX LIBDIR INCLUDEDIR: paysig.pc from ffi/paysig.pc.in.
pc() {
  sed -e "s|@PREFIX@|$1|; s|@LIBDIR@|$2|; s|@INCLUDEDIR@|$3|; s|@VERSION@|$version|" "$root/ffi/paysig.pc.in"
}
# libs DIR: the shared library with its SONAME links, and the static one.
libs() {
  install -d "$1"
  install -m 0644 "$gnu_out/libpaysig.so" "$1/libpaysig.so.$version"
  ln -s "libpaysig.so.$version" "$1/libpaysig.so.0"
  ln -s libpaysig.so.0 "$1/libpaysig.so"
  install -m 0644 "$gnu_out/libpaysig.a" "$1/libpaysig.a"
}
licenses() { install -m 0644 "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$1/"; }

step "the tarball"
name=paysig-$version-x86_64-linux-gnu
tree=$stage/$name
libs "$tree/lib"
install -d "$tree/lib/pkgconfig" "$tree/include/paysig" "$tree/bin" "$tree/share"
# Relocatable: pkg-config resolves ${pcfiledir} to where the file lies.
pc '${pcfiledir}/../..' '${prefix}/lib' '${prefix}/include' > "$tree/lib/pkgconfig/paysig.pc"
install -m 0644 "$root/include/paysig.h" "$root/include/paysig_ffi.h" "$tree/include/paysig/"
install -m 0755 "$gnu_out/paysig" "$tree/bin/paysig"
cp -r "$share/man" "$tree/share/"
install -D -m 0644 "$share/completions/paysig.bash" "$tree/share/bash-completion/completions/paysig"
install -D -m 0644 "$share/completions/_paysig" "$tree/share/zsh/site-functions/_paysig"
install -D -m 0644 "$share/completions/paysig.fish" "$tree/share/fish/vendor_completions.d/paysig.fish"
licenses "$tree"
install -m 0644 "$root/CHANGELOG.md" "$root/packaging/README.tarball.md" "$tree/"
mv "$tree/README.tarball.md" "$tree/README.md"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$dist/$name.tar.gz" "$name"

step "the Debian packages"
multiarch=usr/lib/x86_64-linux-gnu
# deb PACKAGE: builds $stage/deb/PACKAGE into dist/PACKAGE_VERSION_amd64.deb.
deb() {
  local package=$1 dir=$stage/deb/$1
  install -d "$dir/DEBIAN" "$dir/usr/share/doc/$package"
  sed "s|@PACKAGE@|$package|g" "$root/packaging/debian/copyright" > "$dir/usr/share/doc/$package/copyright"
  licenses "$dir/usr/share/doc/$package"
  for extra in triggers shlibs; do
    if [ -f "$root/packaging/debian/$package.$extra" ]; then
      sed "s|@VERSION@|$version|g" "$root/packaging/debian/$package.$extra" > "$dir/DEBIAN/$extra"
    fi
  done
  local size
  size=$(du -sk --exclude=DEBIAN "$dir" | cut -f1)
  sed -e "s|@VERSION@|$version|g; s|@SIZE@|$size|" "$root/packaging/debian/$package.control" > "$dir/DEBIAN/control"
  (cd "$dir" && find usr -type f -print0 | sort -z | xargs -0 md5sum > DEBIAN/md5sums)
  dpkg-deb --root-owner-group -Zxz --build "$dir" "$dist/${package}_${version}_amd64.deb" >/dev/null
}
install -d "$stage/deb/libpaysig0/$multiarch"
install -m 0644 "$gnu_out/libpaysig.so" "$stage/deb/libpaysig0/$multiarch/libpaysig.so.$version"
ln -s "libpaysig.so.$version" "$stage/deb/libpaysig0/$multiarch/libpaysig.so.0"
deb libpaysig0
dev=$stage/deb/libpaysig-dev
install -d "$dev/$multiarch/pkgconfig" "$dev/usr/include/paysig"
ln -s libpaysig.so.0 "$dev/$multiarch/libpaysig.so"
install -m 0644 "$gnu_out/libpaysig.a" "$dev/$multiarch/libpaysig.a"
pc /usr "\${prefix}/lib/x86_64-linux-gnu" "\${prefix}/include" > "$dev/$multiarch/pkgconfig/paysig.pc"
install -m 0644 "$root/include/paysig.h" "$root/include/paysig_ffi.h" "$dev/usr/include/paysig/"
deb libpaysig-dev
cli=$stage/deb/paysig
install -D -m 0755 "$gnu_out/paysig" "$cli/usr/bin/paysig"
install -D -m 0644 "$share/man/man1/paysig.1.gz" "$cli/usr/share/man/man1/paysig.1.gz"
install -D -m 0644 "$share/completions/paysig.bash" "$cli/usr/share/bash-completion/completions/paysig"
install -D -m 0644 "$share/completions/_paysig" "$cli/usr/share/zsh/vendor-completions/_paysig"
install -D -m 0644 "$share/completions/paysig.fish" "$cli/usr/share/fish/vendor_completions.d/paysig.fish"
deb paysig

step "the Composer dist archive"
php=$stage/php
# The files packaging/composer-dist-files lists, then the libraries and
# the FFI header; composer.json gets the release's version.
python3 "$root/packaging/composer_dist.py" "$root" "$version" "$php"
install -D -m 0644 "$gnu_out/libpaysig.so" "$php/lib/linux-x86_64-gnu/libpaysig.so"
install -D -m 0644 "$musl_out/libpaysig.so" "$php/lib/linux-x86_64-musl/libpaysig.so"
install -D -m 0644 "$root/include/paysig_ffi.h" "$php/include/paysig_ffi.h"
(cd "$php" && python3 -c '
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for d, _, files in sorted(os.walk(".")):
        for f in sorted(files):
            path = os.path.normpath(os.path.join(d, f))
            z.write(path, path)
' "$dist/paysig-php-$version.zip")

(cd "$dist" && sha256sum -- * > SHA256SUMS)
step "done in $((SECONDS - started)) s:"
ls -l "$dist" >&2
