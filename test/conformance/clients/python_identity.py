"""Unmodified azure-identity (Debian's python3-azure) under `openmi run`: prints the tokens it got."""
import json
import sys

from azure.identity import DefaultAzureCredential, ManagedIdentityCredential

ids = json.loads(sys.argv[1])
scope = ids["scope"]
out = {}


def attempt(name, make):
    try:
        out[name] = {"token": make().get_token(scope).token}
    except Exception as e:  # the test asserts on the message
        out[name] = {"error": str(e)}


attempt("system", lambda: ManagedIdentityCredential())
attempt("clientId", lambda: ManagedIdentityCredential(client_id=ids["clientId"]))
attempt("resourceId", lambda: ManagedIdentityCredential(identity_config={"msi_res_id": ids["resourceId"]}))
attempt("dac", lambda: DefaultAzureCredential(managed_identity_client_id=ids["clientId"]))
print(json.dumps(out))
