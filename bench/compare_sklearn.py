#!/usr/bin/python3
"""End-to-end comparison of `insightcrm train` with scikit-learn and xgboost.

For each data set, on the SAME stratified split — insightcrm's split is
scikit-learn's train_test_split(stratify=y, random_state=seed), reproduced bit
for bit (src/models/split.h), so this script simply calls train_test_split —
it times each tool from reading the CSV to having test metrics, and reports
ROC-AUC.

Run with Debian's Python (the pyenv python3 on PATH lacks these packages):
  apt-get install -y python3-sklearn python3-xgboost python3-pandas
  /usr/bin/python3 bench/compare_sklearn.py --insightcrm build/insightcrm [--datasets DIR]
"""
import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time


def sniff(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        head = f.readline()
    return max([",", ";", "\t"], key=head.count)


def run_python(kind, path, target, positive, exclude, seed, split):
    import numpy as np
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import roc_auc_score, f1_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    start = time.perf_counter()
    cpu = time.process_time()  # every thread of this process (HistGradientBoosting's OpenMP too)
    df = pd.read_csv(path, sep=sniff(path))
    y = (df[target].astype(str).str.strip() == positive).astype(int).to_numpy()
    X = df.drop(columns=[target] + exclude)
    for c in X.columns:  # numbers stored as text (" " in TotalCharges) become numbers or NaN
        if X[c].dtype == object:
            conv = pd.to_numeric(X[c], errors="coerce")
            if conv.notna().mean() > 0.95:
                X[c] = conv
    num = [c for c in X.columns if X[c].dtype != object]
    cat = [c for c in X.columns if X[c].dtype == object]
    from sklearn.model_selection import train_test_split
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=round(1 - split, 12), stratify=y,
                                          random_state=seed)
    if kind == "sklearn-lr":
        from sklearn.linear_model import LogisticRegression
        pre = ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat)])
        model = make_pipeline(pre, LogisticRegression(max_iter=1000))
    elif kind == "sklearn-hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.preprocessing import OrdinalEncoder
        pre = ColumnTransformer([
            ("num", "passthrough", num),
            ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), cat)])
        model = make_pipeline(pre, HistGradientBoostingClassifier(
            categorical_features=list(range(len(num), len(num) + len(cat))), random_state=seed))
    else:
        import xgboost as xgb
        pre = ColumnTransformer([
            ("num", "passthrough", num),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat)])
        model = make_pipeline(pre, xgb.XGBClassifier(tree_method="hist", n_jobs=1, random_state=seed))
    model.fit(Xtr, ytr)
    p = model.predict_proba(Xte)[:, 1]
    auc = roc_auc_score(yte, p)
    f1 = f1_score(yte, (p >= 0.5).astype(int))
    return auc, f1, time.perf_counter() - start, time.process_time() - cpu


def run_insightcrm(binary, path, target, positive, exclude, seed, split):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        cmd = [binary, "train", "--csv", path, "--target", target, "--positive", positive,
               "--seed", str(seed), "--split", str(split), "--out", os.path.join(tmp, "m.json"),
               "--report", report]
        if exclude:
            cmd += ["--exclude", ",".join(exclude)]
        start = time.perf_counter()
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        with open(report) as f:
            r = json.load(f)
    return ({m["model"]: (m["test"]["roc_auc"], m["test"]["at_threshold"]["f1"]) for m in r["models"]},
            seconds, cpu)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--insightcrm", default="build/insightcrm")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--datasets", default=os.environ.get(
        "ICRM_DATASETS", os.path.join(here, "..", "..", "shared", "datasets")))
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--split", type=float, default=0.8)
    args = ap.parse_args()
    cases = [
        ("bank, no duration", "bank-marketing/bank-additional-full.csv", "y", "yes", ["duration"]),
        ("bank, with duration", "bank-marketing/bank-additional-full.csv", "y", "yes", []),
        ("telco churn", "telco-churn/telco-churn.csv", "Churn", "Yes", ["customerID"]),
    ]
    # Wall seconds, and CPU seconds (user + system, all threads): on a shared
    # machine the CPU figure is the one that measures the code.
    print(f"{'data set':<22} {'tool':<22} {'ROC-AUC':>8} {'F1':>7} {'seconds':>8} {'CPU s':>8}")
    for name, rel, target, positive, exclude in cases:
        path = os.path.join(args.datasets, rel)
        if not os.path.exists(path):
            print(f"{name:<22} (missing {path})")
            continue
        aucs, secs, cpu = run_insightcrm(args.insightcrm, path, target, positive, exclude, args.seed, args.split)
        for kind, (auc, f1) in aucs.items():
            print(f"{name:<22} {'insightcrm ' + kind:<22} {auc:>8.4f} {f1:>7.4f} {'':>8}")
        print(f"{name:<22} {'insightcrm (all models)':<22} {'':>8} {'':>7} {secs:>8.2f} {cpu:>8.2f}")
        total = total_cpu = 0.0
        for kind in ("sklearn-lr", "sklearn-hgb", "xgboost-python"):
            auc, f1, s, c = run_python(kind, path, target, positive, exclude, args.seed, args.split)
            total += s
            total_cpu += c
            print(f"{name:<22} {kind:<22} {auc:>8.4f} {f1:>7.4f} {s:>8.2f} {c:>8.2f}")
        print(f"{name:<22} {'python (3 pipelines)':<22} {'':>8} {'':>7} {total:>8.2f} {total_cpu:>8.2f}")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
