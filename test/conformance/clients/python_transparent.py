"""Azure's own sample code for Python, verbatim (Debian's python3-azure), under `openmi run`.

DefaultAzureCredential, ResourceManagementClient(credential, subscription) with no base_url, and a
SecretClient on https://{vault}.vault.azure.net: nothing openmi-specific. Prints one JSON line.
Usage: python_transparent.py SUB RG VAULT
"""
import json
import sys
import time
import urllib.request

from azure.identity import DefaultAzureCredential
from azure.keyvault.secrets import SecretClient
from azure.mgmt.resource import ResourceManagementClient

sub, group, vault = sys.argv[1:4]
credential = DefaultAzureCredential()


def unserved():
    started = time.monotonic()
    try:
        urllib.request.urlopen("https://ns1.servicebus.windows.net/", timeout=30)
        return {"ms": (time.monotonic() - started) * 1000}
    except Exception as e:  # noqa: BLE001 - the test reads the message
        return {"message": str(e), "ms": (time.monotonic() - started) * 1000}


try:
    arm = ResourceManagementClient(credential, sub)
    groups = [g.name for g in arm.resource_groups.list()]
    one = arm.resource_groups.get(group)
    secret = SecretClient(f"https://{vault}.vault.azure.net", credential).get_secret("db-password")
    print(json.dumps({"groups": groups, "location": one.location, "value": secret.value, "id": secret.id, "unserved": unserved()}))
except Exception as e:  # noqa: BLE001 - the test prints it
    print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
