#!/usr/bin/env python3
"""compose_test.sh's checks of the resolved compose file against the built binaries, the
Dockerfile and the HAProxy config it mounts. Usage: compose_check.py CONFIG_YML BINARY..."""
import json, os, re, shlex, subprocess, sys
import yaml

config_path, binaries = sys.argv[1], sys.argv[2:]
config = yaml.safe_load(open(config_path))
services = config["services"]
built = {os.path.basename(b): b for b in binaries}
failures = []

def fail(msg):
    failures.append(msg)

for name, path in built.items():
    if not os.access(path, os.X_OK):
        fail(f"{name} is not built at {path}")

# The Dockerfile of the first service that builds one; its last stage is the runtime image.
builds = [s["build"] for s in services.values() if "build" in s]
if not builds:
    sys.exit("compose_test: FAIL: no service builds the ingest image (no `build:`)")
dockerfile = os.path.join(builds[0]["context"], builds[0].get("dockerfile", "Dockerfile"))
text = re.sub(r"\\\n", " ", open(dockerfile).read())
lines = [l.strip() for l in text.splitlines() if l.strip() and not l.lstrip().startswith("#")]
runtime = lines[max(i for i, l in enumerate(lines) if l.upper().startswith("FROM ")):]
copied, default_cmd = set(), []
for line in runtime:
    word, _, rest = line.partition(" ")
    if word.upper() in ("COPY", "ADD"):
        args = json.loads(rest) if rest.lstrip().startswith("[") else [a for a in rest.split() if not a.startswith("--")]
        copied.update(os.path.basename(a.rstrip("/")) for a in args[:-1])
    elif word.upper() == "CMD":
        default_cmd = json.loads(rest) if rest.lstrip().startswith("[") else shlex.split(rest)

ours_images = {s.get("image") for s in services.values() if "build" in s}
ours = {n: s for n, s in services.items() if "build" in s or s.get("image") in ours_images}

def argv_of(value):
    argv = shlex.split(value) if isinstance(value, str) else [str(a) for a in value or []]
    if len(argv) >= 3 and os.path.basename(argv[0]) in ("sh", "bash") and argv[1] == "-c":
        argv = shlex.split(argv[2])
    return argv

def commands(svc):
    """(what, argv) for the main command and the healthcheck of a service."""
    argv = argv_of(svc.get("entrypoint")) + argv_of(svc.get("command")) or default_cmd
    yield "command", argv
    test = svc.get("healthcheck", {}).get("test")
    if isinstance(test, str):
        test = ["CMD-SHELL", test]
    if test and test[0] == "CMD":
        yield "healthcheck", [str(a) for a in test[1:]]
    elif test and test[0] == "CMD-SHELL":
        yield "healthcheck", argv_of(test[1])

help_cache = {}
def help_of(path, *sub):
    key = (path,) + sub
    if key not in help_cache:
        run = subprocess.run([path, *sub, "--help"], capture_output=True, text=True, timeout=30)
        help_cache[key] = run.stdout + run.stderr if run.returncode == 0 else ""
    return help_cache[key]

def options(argv):
    """(--name, value or None) for each option; a value follows as `=v` or as the next word."""
    for i, word in enumerate(argv):
        if word.startswith("--") and len(word) > 2:
            name, eq, value = word.partition("=")
            if not eq and i + 1 < len(argv) and not argv[i + 1].startswith("-"):
                value = argv[i + 1]
            yield name, value or None

def host_port(value):
    host, _, port = (value or "").rpartition(":")
    return (host, int(port)) if port.isdigit() else (None, None)

listening = {}  # service -> {port: host} from its --listen, --admin-listen, --metrics-listen
for name, svc in ours.items():
    for what, argv in commands(svc):
        if not argv:
            fail(f"{name}: the {what} is empty")
            continue
        exe = os.path.basename(argv[0])
        if exe not in built:
            fail(f"{name}: the {what} runs '{argv[0]}', which the build does not produce ({', '.join(sorted(built))})")
            continue
        if exe not in copied:
            fail(f"{name}: the {what} runs {exe}, which the runtime stage of {dockerfile} does not COPY")
        helps = help_of(built[exe])
        helps += "".join(help_of(built[exe], w) for w in argv[1:] if re.fullmatch(r"[a-z]+", w) and w in helps)
        for flag, value in options(argv):
            if what == "command" and (flag == "--listen" or flag.endswith("-listen")):
                host, port = host_port(value)
                if port is not None:
                    listening.setdefault(name, {})[port] = host
            if re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", helps):
                continue
            fail(f"{name}: the {what} passes {flag}, which `{exe} --help` does not list")

# HAProxy (the image's config path, as the official image reads it): the ports its frontends
# bind count as the service's own, and each backend server must be a service listening on the
# server's port (and on its agent-port, if it has one).
HAPROXY_CFG = "/usr/local/etc/haproxy/haproxy.cfg"

def haproxy_config(svc):
    for volume in svc.get("volumes", []):
        source, target = ((volume.get("source"), volume.get("target")) if isinstance(volume, dict)
                          else (str(volume).split(":") + [""])[:2])
        if target == HAPROXY_CFG and source and os.path.exists(source):
            return source
    return None

proxies = {}  # service -> its HAProxy config
for name, svc in services.items():
    cfg = haproxy_config(svc)
    if not cfg:
        continue
    proxies[name] = cfg
    defaults = {}
    for line in (l.split("#")[0].split() for l in open(cfg)):
        if line[:1] == ["bind"]:
            listening.setdefault(name, {})[host_port(line[1])[1]] = "0.0.0.0"
        elif line[:1] in (["server"], ["default-server"]):
            words = line[3:] if line[0] == "server" else line[1:]
            opts = {**defaults, **{k: v for k, v in zip(words, words[1:] + [""])}}
            if line[0] == "default-server":
                defaults = opts
                continue
            host, port = host_port(line[2])
            ports = [port] + ([int(opts["agent-port"])] if "agent-port" in opts else [])
            for p in ports:
                if host not in services:
                    fail(f"{cfg}: server {line[1]} is {host}:{p}, but the compose file has no service {host}")
                elif p not in listening.get(host, {}):
                    fail(f"{cfg}: server {line[1]} is {host}:{p}, but {host} listens on {sorted(listening.get(host, {}))}")

def published(entry):
    """(host_ip, container port) of a ports: entry, short or long syntax."""
    if isinstance(entry, dict):
        return entry.get("host_ip", ""), int(entry["target"])
    parts = str(entry).split("/")[0].split(":")
    return (parts[0] if len(parts) == 3 else ""), int(parts[-1])

for name, svc in services.items():
    for entry in svc.get("ports", []):
        host_ip, port = published(entry)
        if host_ip not in ("127.0.0.1", "::1", "localhost"):
            fail(f"{name}: port {port} is published on every interface; publish it on 127.0.0.1 only")
        if name in ours or name in proxies:
            host = listening.get(name, {}).get(port, None)
            if port not in listening.get(name, {}):
                fail(f"{name}: publishes container port {port}, but its command listens on no such port "
                     f"({sorted(listening.get(name, {})) or 'no --*listen flags'})")
            elif host in ("127.0.0.1", "localhost", "::1"):
                fail(f"{name}: listens on {host}:{port}, which the published port cannot reach; use 0.0.0.0")
    for volume in svc.get("volumes", []):
        source = volume.get("source") if isinstance(volume, dict) else str(volume).split(":")[0]
        if source and source.startswith("/") and not os.path.exists(source):
            fail(f"{name}: mounts {source}, which does not exist")

# A client's --target HOST:PORT must reach a port that HOST (or, for 127.0.0.1, the same
# service) listens on.
for name, svc in ours.items():
    for what, argv in commands(svc):
        for flag, value in options(argv):
            host, port = host_port(value) if flag == "--target" else (None, None)
            peer = name if host in ("127.0.0.1", "localhost") else host
            if peer in listening and port not in listening.get(peer, {}):
                fail(f"{name}: the {what} targets {value}, but {peer} listens on {sorted(listening.get(peer, {}))}")

# Passwords reach a container through its environment, never its command line (docs/security.md).
for name, svc in services.items():
    for what, argv in commands(svc):
        if any(re.search(r"password\s*=|://[^/@\s]*:[^/@\s]*@", word, re.I) for word in argv):
            fail(f"{name}: the {what} holds a password; pass it in the environment (PGPASSWORD) instead")

if failures:
    for f in failures:
        print(f"compose_test: FAIL: {f}", file=sys.stderr)
    sys.exit(1)
print(f"compose_test: ok: {len(services)} services ({len(ours)} from {dockerfile}), "
      f"flags checked against {', '.join(sorted(built))}")
