"""LaminDB's hashes of cloud objects, from their metadata as LaminDB reads it.

Usage: python-cloud-hash.py <root> <key>...   (root: s3://bucket/prefix?endpoint_url=… or gs://bucket/prefix)

For S3, the objects' info comes from s3fs (what LaminDB's UPath uses); for GCS from the JSON API
of the emulator named by STORAGE_EMULATOR_HOST. Both go through lamindb_setup's
get_stat_file_cloud. Prints one JSON line: {key: [hash, hash_type, size]}.
"""

import json
import sys
import urllib.parse
import urllib.request

from lamindb_setup.core.upath import get_stat_file_cloud

root, keys = sys.argv[1], sys.argv[2:]
path, _, query = root.partition("?")
protocol, _, rest = path.partition("://")
out = {}
if protocol == "s3":
    import s3fs

    endpoint = urllib.parse.parse_qs(query).get("endpoint_url", [None])[0]
    fs = s3fs.S3FileSystem(client_kwargs={"endpoint_url": endpoint})
    for key in keys:
        stat = fs.info(f"{rest}/{key}")
        hash, hash_type = get_stat_file_cloud(stat, "s3")[1:3]
        out[key] = [hash, hash_type, stat["size"]]
else:
    import os

    bucket, _, prefix = rest.partition("/")
    host = os.environ["STORAGE_EMULATOR_HOST"].rstrip("/")
    for key in keys:
        name = urllib.parse.quote(f"{prefix}/{key}", safe="")
        with urllib.request.urlopen(f"{host}/storage/v1/b/{bucket}/o/{name}") as r:
            meta = json.load(r)
        stat = {"size": int(meta["size"]), "md5Hash": meta["md5Hash"], "etag": meta.get("etag", "")}
        hash, hash_type = get_stat_file_cloud(stat, "gs")[1:3]
        out[key] = [hash, hash_type, stat["size"]]
print(json.dumps(out))
