"""Unmodified azure-storage-file-datalake (Debian's python3-azure) with default options under `openmi run`.

argv: the dfs endpoint ARM returned (https://{account}.dfs.{zone}:{port}/) and a file system name.
Prints each step's result, or its error code, as JSON.
"""
import json
import sys

from azure.core.exceptions import HttpResponseError
from azure.identity import DefaultAzureCredential
from azure.storage.filedatalake import DataLakeServiceClient

url, name = sys.argv[1], sys.argv[2]
fs = DataLakeServiceClient(account_url=url, credential=DefaultAzureCredential()).get_file_system_client(name)
out = {}


def step(key, f):
    try:
        r = f()
        out[key] = "ok" if r is None else r
    except HttpResponseError as e:
        out[key] = {"error": e.error_code, "status": e.status_code}


def upload():
    f = fs.get_file_client("py/a.txt")
    f.create_file()
    f.append_data(b"hello ", 0, 6)
    f.append_data(b"python", 6, 6)
    f.flush_data(12)


step("createFs", lambda: fs.create_file_system() and None)
step("mkdir", lambda: fs.get_directory_client("py").create_directory() and None)
step("upload", upload)
step("range", lambda: fs.get_file_client("py/a.txt").download_file(offset=6, length=6).readall().decode())
step("rename", lambda: fs.get_directory_client("py").rename_directory(f"{name}/py2") and None)
step("list", lambda: [p.name for p in fs.get_paths(recursive=True)])
step("delete", lambda: fs.get_directory_client("py2").delete_directory() and None)
print(json.dumps(out))
