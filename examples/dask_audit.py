"""Audit a call log too large for one process: partition it by contact and audit each part on Dask.

Every cap of the shipped pack counts history per contact, so a contact's records are all
that its decisions need: partitions by contact give the same findings as one process.

    pip install "dask[dataframe]"
    python examples/dask_audit.py examples/call-log.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import collectguard
from collectguard import audit_records

POLICY = Path(__file__).resolve().parent.parent / "rules" / "cn-card-collection.yaml"


def audit_partition(frame):  # runs on a worker: one pandas DataFrame of whole contacts
    import pandas as pd

    policy = collectguard.load_policy(POLICY)
    findings, summary = audit_records(policy, frame)
    return pd.DataFrame([{"where": f["where"], "at": f["at"], "contact": f["contact"],
                          "rules": " ".join(sorted(r["rule"] for r in f["reasons"] if r["severity"] == "deny"))}
                         for f in findings if f["broken"]], columns=["where", "at", "contact", "rules"])


def run(path: str, partitions: int = 4):
    import dask.dataframe as dd
    import pandas as pd

    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame["where"] = [f"row {i}" for i in range(len(frame))]
    parts = dd.from_pandas(frame, npartitions=partitions).shuffle(on="contact")
    meta = pd.DataFrame({"where": pd.Series(dtype=str), "at": pd.Series(dtype=str),
                         "contact": pd.Series(dtype=str), "rules": pd.Series(dtype=str)})
    return parts.map_partitions(audit_partition, meta=meta).compute().sort_values(["at", "contact"])


if __name__ == "__main__":
    print(run(sys.argv[1] if len(sys.argv) > 1 else str(Path(__file__).parent / "call-log.csv")).to_string())
