"""Debian's Python management SDK (unmodified) creating what its status lists guard: prints one result per flow.

The credential is a fixed bearer token (the test mints it): status handling, not sign-in, is under test here.
"""
import json
import sys

from azure.core.credentials import AccessToken
from azure.mgmt.keyvault import KeyVaultManagementClient
from azure.mgmt.storage import StorageManagementClient
from azure.mgmt.web import WebSiteManagementClient

env = json.loads(sys.argv[1])


class Fixed:
    def get_token(self, *scopes, **kwargs):
        return AccessToken(env["token"], 4102444800)


opts = {"base_url": env["arm"], "connection_verify": env["ca"], "credential_scopes": ["https://management.azure.com/.default"]}
out = {}


def flow(name, run):
    try:
        out[name] = {"ok": True, "value": run()}
    except Exception as e:  # the test asserts on what failed
        out[name] = {"ok": False, "error": str(e)[:300]}


storage = StorageManagementClient(Fixed(), env["sub"], **opts)
web = WebSiteManagementClient(Fixed(), env["sub"], **opts)
kv = KeyVaultManagementClient(Fixed(), env["sub"], **opts)
rg = env["rg"]
flow("storage_accounts.begin_create", lambda: storage.storage_accounts.begin_create(rg, env["account"], {"location": "westeurope", "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"}).result().provisioning_state)
flow("storage_accounts.update", lambda: storage.storage_accounts.update(rg, env["account"], {"tags": {"x": "1"}}).tags)
flow("storage_accounts.check_name_availability", lambda: storage.storage_accounts.check_name_availability({"name": env["account"], "type": "Microsoft.Storage/storageAccounts"}).reason)
flow("storage_accounts.delete", lambda: storage.storage_accounts.delete(rg, env["account"]))
flow("web_apps.begin_create_or_update", lambda: web.web_apps.begin_create_or_update(rg, "pyweb", {"location": "westeurope", "kind": "app"}).result().name)
flow("web_apps.delete", lambda: web.web_apps.delete(rg, "pyweb"))
vault = {"location": "westeurope", "properties": {"tenant_id": env["tenant"], "sku": {"family": "A", "name": "standard"}}}
flow("vaults.check_name_availability", lambda: kv.vaults.check_name_availability({"name": env["vault"], "type": "Microsoft.KeyVault/vaults"}).name_available)
flow("vaults.begin_create_or_update", lambda: kv.vaults.begin_create_or_update(rg, env["vault"], vault).result().properties.provisioning_state)
flow("vaults.update", lambda: kv.vaults.update(rg, env["vault"], {"tags": {"x": "1"}}).tags)
flow("vaults.delete", lambda: kv.vaults.delete(rg, env["vault"]))
print(json.dumps(out))
