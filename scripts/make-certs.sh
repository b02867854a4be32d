#!/usr/bin/env bash
# Makes a private certificate authority and the certificates TLS and mTLS need (docs/security.md):
#
#   scripts/make-certs.sh DIR [SERVER_NAME...]
#
# DIR/ca.pem, ca.key        the CA (keep ca.key offline in production)
# DIR/server.pem, server.key the server's certificate for --tls-cert/--tls-key, valid for
#                            localhost, 127.0.0.1, ::1 and each SERVER_NAME (a DNS name or an IP)
# DIR/client.pem, client.key a client certificate for --tls-cert/--tls-key of the clients, when
#                            the server requires one (--tls-client-ca DIR/ca.pem)
# Keys are EC P-256, readable by their owner only; certificates last 825 days. Existing files in
# DIR are replaced. Nothing here is meant to be committed: keys are made where they are used.
set -euo pipefail

die() { echo "make-certs: $*" >&2; exit 2; }
[[ $# -ge 1 ]] || die "usage: scripts/make-certs.sh DIR [SERVER_NAME...]"
command -v openssl >/dev/null || die "openssl is missing (Debian package openssl; scripts/setup-deps.sh installs it)"
dir="$1"
shift
mkdir -p "$dir"
umask 077

san="DNS:localhost,IP:127.0.0.1,IP:::1"
for name in "$@"; do
  if [[ "$name" =~ ^[0-9.]+$ || "$name" == *:* ]]; then san+=",IP:$name"; else san+=",DNS:$name"; fi
done

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key "$dir/ca.key"
openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 825 -subj "/CN=ingest private CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -out "$dir/ca.pem"

# sign NAME CN EXTENSIONS: NAME.key and NAME.pem signed by the CA.
sign() {
  local name="$1" cn="$2" ext="$3"
  key "$dir/$name.key"
  openssl req -new -key "$dir/$name.key" -subj "/CN=$cn" -out "$dir/$name.csr"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
    -days 825 -sha256 -extfile <(printf '%s\n' "$ext") -out "$dir/$name.pem" 2>/dev/null
  rm -f "$dir/$name.csr"
}
sign server "ingest-server" "subjectAltName=$san
extendedKeyUsage=serverAuth
keyUsage=critical,digitalSignature"
sign client "ingest-client" "extendedKeyUsage=clientAuth
keyUsage=critical,digitalSignature"
rm -f "$dir/ca.srl"
chmod 644 "$dir/ca.pem" "$dir/server.pem" "$dir/client.pem"
echo "make-certs: CA, server (${san}) and client certificates in $dir"
