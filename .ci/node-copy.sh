# Sourced by .ci/node-version and bench/on-node: with $major set, takes a Node binary of that major
# version and leaves the shell in a copy of the repository installed with it (`npm ci`), its
# directory in $copy, the binary in $node_bin, that Node first on the PATH.
#
# The Node binary comes from the npm registry (the node-linux-<arch> package, which is the official
# build with its headers) unless one of that major version is already on the PATH. The copy has its
# own `npm ci`: better-sqlite3 is a native module built for one Node ABI, so the checkout's
# node_modules (built for the machine's Node) is left untouched.
work="${NODE_VERSION_WORKDIR:-${TMPDIR:-/tmp}/stampline-node$major}"
mkdir -p "$work"

node_bin=""
if command -v "node$major" >/dev/null 2>&1; then
  node_bin="$(command -v "node$major")"
elif [ "$(node -p 'process.versions.node.split(".")[0]')" = "$major" ]; then
  node_bin="$(command -v node)"
else
  case "$(uname -m)" in
    x86_64) arch=x64 ;;
    aarch64) arch=arm64 ;;
    *) echo "no node-linux package for $(uname -m)" >&2; exit 1 ;;
  esac
  # Exactly one version per major, so CI runs the same Node every time; raise it on purpose.
  case "$major" in
    22) version=22.23.5 ;;
    24) version=24.22.3 ;;
    *) echo "no pinned Node $major" >&2; exit 1 ;;
  esac
  if [ ! -x "$work/node/node_modules/node-linux-$arch/bin/node" ] ||
     [ "$("$work/node/node_modules/node-linux-$arch/bin/node" --version)" != "v$version" ]; then
    rm -rf "$work/node"
    npm install --prefix "$work/node" --no-save --no-audit --no-fund --no-package-lock "node-linux-$arch@$version" >/dev/null
  fi
  node_bin="$work/node/node_modules/node-linux-$arch/bin/node"
fi
node_home="$(cd "$(dirname "$node_bin")/.." && pwd)"
echo "Node $("$node_bin" --version) from $node_home" >&2

# A copy of the committed tree plus what CI has beside it (no node_modules, no local data). The
# copy's node_modules is kept from the last run when package-lock.json has not changed: `npm ci`
# compiles better-sqlite3 from source, minutes on a small machine.
copy="$work/repo"
reuse=false
if [ -d "$copy/node_modules" ] && cmp -s package-lock.json "$copy/package-lock.json"; then reuse=true; fi
if $reuse; then
  find "$copy" -mindepth 1 -maxdepth 1 ! -name node_modules -exec rm -rf {} +
else
  rm -rf "$copy"
fi
mkdir -p "$copy"
git ls-files -z --cached --others --exclude-standard | grep -zv '^node_modules/' | xargs -0 cp --parents -t "$copy"

cd "$copy"
# The Node of that version first on the PATH (npm, node-gyp and every process the scripts start use
# it), and native modules built against its headers.
export PATH="$(dirname "$node_bin"):$PATH"
export npm_config_nodedir="$node_home"
npm_cli="$(command -v npm | xargs readlink -f | xargs dirname)/npm-cli.js"
# Without `npm ci`, its postinstall step still runs: the Prisma clients and dist/ of this tree.
if $reuse; then install=(run postinstall); else install=(ci --no-audit --no-fund); fi
"$node_bin" "$npm_cli" "${install[@]}" >/dev/null 2>"$work/npm-ci.log" || { cat "$work/npm-ci.log" >&2; exit 1; }
"$node_bin" -e 'require("better-sqlite3")(":memory:").prepare("select 1").get()'
