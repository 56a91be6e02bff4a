"""Unmodified azure-keyvault-secrets (Debian's python3-azure) with default options under `openmi run`.

The vault URL is the vaultUri ARM returned (https://{vault}.vault.{zone}:{port}/); the client
checks the challenge's resource against it, host and port. Prints what it read as JSON.
"""
import json
import sys

from azure.identity import DefaultAzureCredential
from azure.keyvault.secrets import SecretClient

vault_url = sys.argv[1]
client = SecretClient(vault_url=vault_url, credential=DefaultAzureCredential())
out = {}
try:
    first = client.set_secret("db-password", "s3cret")
    client.set_secret("db-password", "rotated")
    got = client.get_secret("db-password")
    out = {
        "value": got.value,
        "old": client.get_secret("db-password", first.properties.version).value,
        "names": sorted(p.name for p in client.list_properties_of_secrets()),
        "id": got.id,
    }
except Exception as e:  # the test asserts on the message
    out = {"error": f"{type(e).__name__}: {e}"}
print(json.dumps(out))
