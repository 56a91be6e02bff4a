"""Unmodified azure-storage-queue (Debian's python3-azure): a queue SAS made by the SDK from the key.

argv: the queue endpoint ARM returned, the account name and key. Prints each step's result, or its
error code and status, as JSON.
"""
import json
import sys
from datetime import datetime, timedelta, timezone

from azure.core.exceptions import HttpResponseError
from azure.storage.queue import QueueClient, QueueSasPermissions, generate_queue_sas

url, account, key = sys.argv[1], sys.argv[2], sys.argv[3]
out = {}


def step(name, f):
    try:
        r = f()
        out[name] = "ok" if r is None else r
    except HttpResponseError as e:
        out[name] = {"error": e.error_code, "status": e.status_code}


admin = QueueClient(account_url=url, queue_name="pyq", credential={"account_name": account, "account_key": key})
step("create", lambda: admin.create_queue() and None)
expiry = datetime.now(timezone.utc) + timedelta(hours=1)
sas = generate_queue_sas(account, "pyq", key, permission=QueueSasPermissions(add=True, process=True), expiry=expiry)
q = QueueClient(account_url=url, queue_name="pyq", credential=sas)
step("send", lambda: q.send_message("from python") and None)
step("receive", lambda: [m.content for m in q.receive_messages(max_messages=1)])
step("peek", lambda: [m.content for m in q.peek_messages()])
forged = QueueClient(account_url=url, queue_name="pyq", credential=sas.replace("sp=ap", "sp=rap"))
step("forged", lambda: [m.content for m in forged.peek_messages()])
print(json.dumps(out))
