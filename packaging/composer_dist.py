#!/usr/bin/env python3
"""Copies the files of packaging/composer-dist-files into the Composer dist
archive's staging directory, and writes composer.json there with the
release's version (the one in Cargo.toml: the repository's composer.json
carries none, so the version has one source).

    composer_dist.py ROOT VERSION OUT
"""
import glob
import json
import os
import shutil
import sys


def main(root, version, out):
    php = os.path.join(root, "php-ext")
    listing = os.path.join(root, "packaging", "composer-dist-files")
    os.makedirs(out, exist_ok=True)
    for line in open(listing, encoding="utf-8"):
        pattern = line.strip()
        if not pattern or pattern.startswith("#"):
            continue
        matches = sorted(glob.glob(os.path.join(php, pattern), recursive=True))
        if not matches:
            sys.exit(f"composer_dist: {pattern} (in {listing}) matches nothing")
        for path in matches:
            relative = os.path.relpath(path, php)
            # ../FILE (the licenses, the changelog) goes to the archive's top.
            target = os.path.join(out, os.path.basename(path) if relative.startswith("..") else relative)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            shutil.copy2(path, target)
    with open(os.path.join(php, "composer.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    manifest["version"] = version
    with open(os.path.join(out, "composer.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=4)
        f.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
