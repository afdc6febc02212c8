#!/usr/bin/env bash
# tests/lint/run-analysis.sh — static analysis gate: clang-tidy (checks and
# the reason for each in /.clang-tidy), cppcheck, and the banned-function
# check of STYLE.md.  Fails when a warning appears that is not in the
# accepted baseline (tests/lint/baseline.txt, ideally empty).
#
#   tests/lint/run-analysis.sh [BUILD_DIR]        (default: build)
#   tests/lint/run-analysis.sh --update-baseline [BUILD_DIR]
#
# BUILD_DIR must hold compile_commands.json (CMAKE_EXPORT_COMPILE_COMMANDS is
# on at top level); it is configured if missing.  Only the project's own
# tracked .c files are analysed, and headers under the project folders.
#
# Warnings are compared without line numbers — each is keyed by file, check,
# message and the text of the offending source line — so unrelated edits
# don't invalidate the baseline, while a second copy of a warning does show.
#
# cppcheck runs with --enable=warning,portability (real defects and
# non-portable constructs; `style` and `performance` are opinions here) and
# --inline-suppr so a justified exception can live next to its code as
# `// cppcheck-suppress <id>` with a reason.  Suppressed globally:
# unknownMacro (a configuration notice about jansson's *_foreach macros, not
# a defect) and, in tests/ only, incorrectStringBooleanError (test macros
# such as `tmpl ? tmpl : "*"` receive string literals by design).  Exit: 0 clean (vs baseline),
# 1 new warnings, 2 tools missing or the build could not be configured.
set -uo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
update=0
if [ "${1:-}" = "--update-baseline" ]; then update=1; shift; fi
build=${1:-build}
case $build in /*) ;; *) build=$src/$build ;; esac
baseline=$src/tests/lint/baseline.txt
for tool in clang-tidy cppcheck; do
  command -v $tool >/dev/null || { echo "run-analysis: $tool not installed" >&2; exit 2; }
done
if [ ! -f "$build/compile_commands.json" ]; then
  cmake -S "$src" -B "$build" >/dev/null || exit 2
fi
# generated headers (if any) must exist before analysis
cmake --build "$build" -j2 >/dev/null 2>&1 || true

cd "$src"
mapfile -t files < <(git ls-files '*.c' | grep -E '^(scanner|crawlers|payloads|reports|tests)/' |
  while read -r f; do grep -q "\"file\": \"$src/$f\"" "$build/compile_commands.json" && echo "$f"; done)
if [ ${#files[@]} -eq 0 ]; then echo "run-analysis: no files in $build/compile_commands.json" >&2; exit 2; fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# key: "path: [check] message @ source-line"
keyed() {
  while IFS= read -r line; do
    if [[ $line =~ ^([^:]+):([0-9]+):([0-9]+):\ (warning|error):\ (.*)\ \[([^]]+)\]$ ]]; then
      f=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]} msg=${BASH_REMATCH[5]} id=${BASH_REMATCH[6]}
    elif [[ $line =~ ^([^:]+):([0-9]+):([0-9]+):\ (warning|error):\ (.*)$ ]]; then
      f=${BASH_REMATCH[1]} n=${BASH_REMATCH[2]} msg=${BASH_REMATCH[5]} id=compiler
    else
      continue
    fi
    rel=${f#"$src"/}
    case $rel in /*) continue ;; esac # system headers
    text=$(sed -n "${n}p" "$src/$rel" 2>/dev/null | sed 's/^[[:space:]]*//;s/[[:space:]]*$//')
    echo "$rel: [$id] $msg @ $text"
  done
}

echo "== clang-tidy (${#files[@]} files)"
printf '%s\n' "${files[@]}" |
  xargs -P 2 -n 4 clang-tidy -p "$build" --quiet 2>/dev/null |
  grep -E '^[^ ].*:[0-9]+:[0-9]+: (warning|error): ' | keyed | sort -u >"$out/tidy.txt"

echo "== cppcheck"
cppcheck --quiet --enable=warning,portability --inline-suppr -j 2 \
  --suppress=missingIncludeSystem --suppress=unmatchedSuppression --suppress=unknownMacro \
  --suppress="incorrectStringBooleanError:tests/*" \
  -I "$src" -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DDAST_VERSION=\"0\" \
  -DDAST_SOURCE_DIR=\"$src\" -DDAST_TEST_DATA=\"$src/tests/data\" \
  --template='{file}:{line}:{column}: warning: {message} [cppcheck-{id}]' \
  "${files[@]}" 2>&1 | keyed | sort -u >"$out/cppcheck.txt"

echo "== banned functions (STYLE.md: strcpy sprintf strtok atoi gets)"
git grep -nE '\b(strcpy|sprintf|vsprintf|strtok|atoi|gets)[[:space:]]*\(' -- '*.c' '*.h' |
  grep -vE '^[^:]+:[0-9]+:[[:space:]]*(/\*|\*|//)' |
  while IFS=: read -r f n rest; do
    fn=$(echo "$rest" | grep -oE '\b(strcpy|sprintf|vsprintf|strtok|atoi|gets)[[:space:]]*\(' | head -1 | tr -d ' (')
    echo "$f:$n:1: warning: banned function $fn [banned-function]"
  done | sed "s|^|$src/|" | keyed | sort -u >"$out/banned.txt"

sort "$out/tidy.txt" "$out/cppcheck.txt" "$out/banned.txt" >"$out/all.txt"
total=$(wc -l <"$out/all.txt")
if [ $update = 1 ]; then
  cp "$out/all.txt" "$baseline"
  echo "run-analysis: baseline updated with $total accepted warnings ($baseline)"
  exit 0
fi
touch "$baseline"
grep -v '^#' "$baseline" | sort >"$out/base.txt"
comm -23 "$out/all.txt" "$out/base.txt" >"$out/new.txt"
comm -13 "$out/all.txt" "$out/base.txt" >"$out/gone.txt"
echo "== $total warnings, $(wc -l <"$out/base.txt") in the baseline"
if [ -s "$out/gone.txt" ]; then
  echo "-- fixed since the baseline (remove these lines from $baseline):"
  cat "$out/gone.txt"
fi
if [ -s "$out/new.txt" ]; then
  echo "-- NEW warnings:"
  cat "$out/new.txt"
  exit 1
fi
echo "run-analysis: no new warnings"
