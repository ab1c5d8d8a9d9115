#!/usr/bin/env bash
# Benchmark (not a test): `fixlog site` for N records (default 10000) against Hugo building the same
# records as plain Markdown pages with a minimal layout. Needs a release build and `hugo` (apt-get install hugo).
#   bench/site-vs-hugo.sh [N]
set -euo pipefail
N=${1:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIXLOG=${FIXLOG:-$ROOT/.build/release/fixlog}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cp "$ROOT/fixtures/projects/voice-backend/Dockerfile" "$WORK/"
python3 - "$ROOT/fixtures/projects/voice-backend/DOCKERFILE_FIXES.md" "$WORK" "$N" <<'PY'
import re, sys, os
src, work, n_total = open(sys.argv[1]).read(), sys.argv[2], int(sys.argv[3])
parts = re.split(r'(?m)^(?=## Fix #)', src)
pre, recs = parts[0], parts[1:]
out, n = [pre], 0
os.makedirs(f"{work}/hugo/content/records", exist_ok=True)
os.makedirs(f"{work}/hugo/layouts/_default", exist_ok=True)
while n < n_total:
    for r in recs:
        if n >= n_total: break
        n += 1
        date = f"{2000 + n // 336:04d}-{1 + (n // 28) % 12:02d}-{1 + n % 28:02d}"
        r2 = re.sub(r'^## Fix #\d+:(.*)\(\d{4}-\d{2}-\d{2}\)', lambda m: f'## Fix #{n}:{m.group(1)}({date})', r, count=1)
        out.append(r2)
        title = r2.splitlines()[0][3:].replace('"', "'")
        body = "\n".join(r2.splitlines()[1:])
        open(f"{work}/hugo/content/records/fix-{n}.md", "w").write(f'---\ntitle: "{title}"\ndate: {date}\n---\n{body}\n')
open(f"{work}/DOCKERFILE_FIXES.md", "w").write("".join(out))
open(f"{work}/hugo/hugo.toml", "w").write('baseURL = "/"\ntitle = "bench"\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n')
open(f"{work}/hugo/layouts/_default/single.html", "w").write('<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><h1>{{ .Title }}</h1>{{ .Content }}</body></html>\n')
open(f"{work}/hugo/layouts/_default/list.html", "w").write('<!DOCTYPE html><html><head><title>{{ .Title }}</title></head><body><ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul></body></html>\n')
PY
echo "records: $N"
/usr/bin/time -f "fixlog site: %e s wall, %U s user, %S s sys (includes ingest and check)" "$FIXLOG" site "$WORK/DOCKERFILE_FIXES.md" --root "$WORK" --out "$WORK/site" >/dev/null
/usr/bin/time -f "hugo:        %e s wall, %U s user, %S s sys" hugo --quiet -s "$WORK/hugo" -d "$WORK/hugo-public" >/dev/null
