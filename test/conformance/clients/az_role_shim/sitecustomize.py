"""Workaround for a packaging bug of Debian's azure-cli 2.45 (docs/clients.md, Azure CLI).

Its role module reads `<operations>.config.subscription_id`, but Debian ships
azure-mgmt-authorization 3.0.0, whose operation groups only have `_config`: every
`az role assignment create/list/delete` (but `delete --ids`) and `az role definition list`
fail with "'RoleAssignmentsOperations' object has no attribute 'config'" before sending anything.
Put this folder on PYTHONPATH when running az; it adds the missing `config` alias, nothing else.
"""
import importlib.abc
import importlib.machinery
import sys

_PACKAGE = "azure.mgmt.authorization"


def _add_alias(module):
    for value in list(vars(module).values()):
        if isinstance(value, type) and value.__name__.endswith("Operations") and not hasattr(value, "config"):
            value.config = property(lambda self: self._config)


class _Loader(importlib.abc.Loader):
    def __init__(self, inner):
        self._inner = inner

    def create_module(self, spec):
        return self._inner.create_module(spec)

    def exec_module(self, module):
        self._inner.exec_module(module)
        _add_alias(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):
        if not fullname.startswith(_PACKAGE + ".") or "operations" not in fullname:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _Loader(spec.loader)
        return spec


sys.meta_path.insert(0, _Finder())
