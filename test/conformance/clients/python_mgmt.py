"""Debian's Azure SDK for Python (python3-azure), unmodified, against openmi: one flow per name.

Configuration only: ClientSecretCredential with openmi as authority and instance discovery off
(azure-identity 1.13.0b2 spells it instance_discovery=False; 1.13.0 and later
disable_instance_discovery=True), base_url and credential_scopes on each management client,
REQUESTS_CA_BUNDLE for the CA. Prints {flow: {"ok": true, ...} | {"error": "..."}} as JSON.
"""
import json
import sys
import uuid

from azure.identity import ClientSecretCredential

cfg = json.loads(sys.argv[1])
BASE, SUB, RG, LOC = cfg["baseUrl"], cfg["subscriptionId"], cfg["resourceGroup"], "westeurope"
credential = ClientSecretCredential(cfg["tenantId"], cfg["clientId"], cfg["clientSecret"], authority=BASE, instance_discovery=False)
ARM = {"base_url": BASE, "credential_scopes": ["https://management.azure.com/.default"]}
READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7"


def client(module, cls, **kw):
    mod = __import__(f"azure.mgmt.{module}", fromlist=[cls])
    return getattr(mod, cls)(credential, SUB, **ARM, **kw)


def resources():
    c = client("resource", "ResourceManagementClient")
    c.resource_groups.create_or_update(RG, {"location": LOC, "tags": {"by": "python"}})
    names = sorted(r.name for r in c.resources.list_by_resource_group(RG))
    typed = [r.name for r in c.resources.list(filter="resourceType eq 'Microsoft.ManagedIdentity/userAssignedIdentities'")]
    tagged = [r.name for r in c.resources.list(filter="tagName eq 'flow' and tagValue eq 'python'", expand="createdTime,changedTime,provisioningState")]
    one = c.resources.get_by_id(cfg["identityId"], "2023-01-31")
    return {"inGroup": names, "identities": typed, "tagged": tagged, "byId": one.id}


def msi():
    c = client("msi", "ManagedServiceIdentityClient", api_version="2022-01-31-preview")
    ident = c.user_assigned_identities.create_or_update(RG, "py-msi", {"location": LOC})
    fic = c.federated_identity_credentials.create_or_update(RG, "py-msi", "py-fic", {"issuer": "https://issuer.example", "subject": "s", "audiences": ["api://AzureADTokenExchange"]})
    listed = [i.name for i in c.user_assigned_identities.list_by_resource_group(RG)]
    c.user_assigned_identities.delete(RG, "py-msi")
    return {"principalId": ident.principal_id, "fic": fic.name, "listed": listed}


def authorization():
    c = client("authorization", "AuthorizationManagementClient")
    scope = f"/subscriptions/{SUB}/resourceGroups/{RG}"
    ra = c.role_assignments.create(scope, str(uuid.uuid4()), {"role_definition_id": f"/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{READER}", "principal_id": cfg["principalId"], "principal_type": "ServicePrincipal"})
    listed = [a.name for a in c.role_assignments.list_for_scope(scope, filter="atScope()")]
    reader = [d.role_name for d in c.role_definitions.list(scope, filter="roleName eq 'Reader'")]
    c.role_assignments.delete_by_id(ra.id)
    return {"created": ra.name in listed, "roles": reader}


def compute():
    c = client("compute", "ComputeManagementClient")
    vm = c.virtual_machines.begin_create_or_update(RG, "py-vm", {"location": LOC, "identity": {"type": "SystemAssigned"}}).result()
    got = c.virtual_machines.get(RG, "py-vm")
    return {"principalId": vm.identity.principal_id, "same": got.identity.principal_id == vm.identity.principal_id}


def keyvault():
    c = client("keyvault", "KeyVaultManagementClient")
    params = {"location": LOC, "properties": {"tenant_id": cfg["tenantId"], "sku": {"family": "A", "name": "standard"}, "enable_rbac_authorization": True}}
    v = c.vaults.begin_create_or_update(RG, cfg["vaultName"], params).result()
    return {"vaultUri": v.properties.vault_uri, "list": [x.name for x in c.vaults.list()], "inGroup": [x.name for x in c.vaults.list_by_resource_group(RG)]}


def storage():
    c = client("storage", "StorageManagementClient")
    a = c.storage_accounts.begin_create(RG, cfg["accountName"], {"location": LOC, "sku": {"name": "Standard_LRS"}, "kind": "StorageV2"}).result()
    keys = [k.key_name for k in c.storage_accounts.list_keys(RG, cfg["accountName"]).keys]
    return {"blob": a.primary_endpoints.blob, "keys": keys, "list": [x.name for x in c.storage_accounts.list_by_resource_group(RG)]}


def web():
    c = client("web", "WebSiteManagementClient")
    site = c.web_apps.begin_create_or_update(RG, "py-site", {"location": LOC, "identity": {"type": "SystemAssigned"}}).result()
    return {"principalId": site.identity.principal_id}


def containerinstance():
    c = client("containerinstance", "ContainerInstanceManagementClient")
    group = {"location": LOC, "identity": {"type": "SystemAssigned"}, "os_type": "Linux", "containers": [{"name": "app", "image": "busybox", "resources": {"requests": {"cpu": 1, "memory_in_gb": 1}}}]}
    g = c.container_groups.begin_create_or_update(RG, "py-aci", group).result()
    return {"principalId": g.identity.principal_id}


def hybridcompute():
    c = client("hybridcompute", "HybridComputeManagementClient")
    # Arc machines are created by the Connected Machine agent, not the SDK (8.0 has no create):
    # the test makes py-arc through ARM; the SDK reads it at its own default api-version.
    m = c.machines.get(RG, "py-arc")
    listed = [x.name for x in c.machines.list_by_resource_group(RG)]
    return {"principalId": m.identity.principal_id if "py-arc" in listed else None}


def secrets():
    from azure.keyvault.secrets import SecretClient
    client_ = SecretClient(cfg["vaultUri"], credential)
    client_.set_secret("from-python", "v1")
    return {"value": client_.get_secret("from-python").value}


def blob():
    from azure.storage.blob import BlobServiceClient
    service = BlobServiceClient(cfg["blobEndpoint"], credential)
    service.create_container("pyfiles")
    service.get_blob_client("pyfiles", "hello.txt").upload_blob(b"hello")
    names = [b.name for b in service.get_container_client("pyfiles").list_blobs()]
    return {"names": names, "content": service.get_blob_client("pyfiles", "hello.txt").download_blob().readall().decode()}


def monitor():
    c = client("monitor", "MonitorManagementClient")
    events = list(c.activity_logs.list(filter=f"eventTimestamp ge '2020-01-01T00:00:00Z' and resourceGroupName eq '{RG}'"))
    return {"events": len(events)}


def group_delete():
    c = client("resource", "ResourceManagementClient")
    c.resource_groups.begin_delete(RG).result()
    c.resource_groups.create_or_update(RG, {"location": LOC})
    return {"after": [r.name for r in c.resources.list_by_resource_group(RG)]}


FLOWS = {f.__name__: f for f in [resources, msi, authorization, compute, keyvault, storage, web, containerinstance, hybridcompute, monitor, secrets, blob, group_delete]}
out = {}
for name in cfg["flows"]:
    try:
        out[name] = {"ok": True, **FLOWS[name]()}
    except Exception as e:  # the test reports the client's own message
        out[name] = {"error": f"{type(e).__name__}: {e}"[:600]}
print(json.dumps(out))
