"""Audit a call log too large for one process: partition it by contact and audit each part on Dask.

Every cap of the shipped pack counts history per contact, so a contact's records are all
that its decisions need: partitions by contact give the same findings as one process
(``Policy.partition_key()`` names the field for any policy).
The log is read in blocks by the workers (``dd.read_csv``); no process holds it whole.

    pip install "collectguard[scale]"
    python examples/dask_audit.py examples/call-log.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import collectguard
from collectguard import audit_records

POLICY = Path(__file__).resolve().parent.parent / "rules" / "cn-card-collection.yaml"
COLUMNS = ["at", "contact", "client", "rules"]


def audit_partition(frame):  # runs on a worker: one pandas DataFrame holding whole contacts
    import pandas as pd

    policy = collectguard.load_policy(POLICY)
    findings, _ = audit_records(policy, frame)
    return pd.DataFrame([{"at": f["at"], "contact": f["contact"], "client": f["client"] or "",
                          "rules": " ".join(sorted(r["rule"] for r in f["reasons"] if r["severity"] == "deny"))}
                         for f in findings if f["broken"]], columns=COLUMNS)


def run(path: str, blocksize: str | int = "64MB"):
    import dask.dataframe as dd
    import pandas as pd

    key = collectguard.load_policy(POLICY).partition_key()   # "contact" for the shipped pack
    if key is None:
        raise SystemExit("the policy's caps count by different fields: no split keeps each part whole")
    log = dd.read_csv(path, dtype=str, keep_default_na=False, blocksize=blocksize)
    by_key = log.shuffle(on=key)   # all of a contact's records in one partition
    meta = pd.DataFrame({name: pd.Series(dtype=str) for name in COLUMNS})
    found = by_key.map_partitions(audit_partition, meta=meta).compute()
    return found.sort_values(["at", "contact"]).reset_index(drop=True)


if __name__ == "__main__":
    print(run(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parent / "call-log.csv")).to_string())
