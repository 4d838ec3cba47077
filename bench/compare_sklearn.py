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

LR_C_GRID = [0.03, 0.3, 3]  # insightcrm's grid (src/models/logistic_regression.h)
LR_FOLDS = 2  # insightcrm's cross-validation folds (the same header)
PATIENCE = 5  # insightcrm's early-stopping patience (src/models/xgboost_booster.h)


def sniff(path):
    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        head = f.readline()
    return max([",", ";", "\t"], key=head.count)


def load(path, target, positive, exclude, seed, split):
    """Reads the CSV and splits it: (Xtr, Xte, ytr, yte, numeric columns, categorical columns)."""
    import pandas as pd
    from sklearn.model_selection import train_test_split
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
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=round(1 - split, 12), stratify=y,
                                          random_state=seed)
    return Xtr, Xte, ytr, yte, num, cat


def fit_and_test(kind, data, seed):
    """Fits one pipeline on the training rows and returns its test (ROC-AUC, F1 at 0.5)."""
    import numpy as np
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import roc_auc_score, f1_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler
    Xtr, Xte, ytr, yte, num, cat = data

    def linear_features():
        return ColumnTransformer([
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), num),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat)])

    def tree_features():
        from sklearn.preprocessing import OrdinalEncoder
        return ColumnTransformer([
            ("num", "passthrough", num),
            ("cat", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1), cat)])

    if kind == "sklearn-lr":
        from sklearn.linear_model import LogisticRegression
        model = make_pipeline(linear_features(), LogisticRegression(max_iter=1000))
    elif kind == "sklearn-lr-cv":
        # What insightcrm does: C from the same grid by LR_FOLDS-fold stratified
        # cross-validation on ROC-AUC with liblinear, then one fit on all
        # training rows at the chosen C.
        from sklearn.linear_model import LogisticRegressionCV
        from sklearn.model_selection import StratifiedKFold
        model = make_pipeline(linear_features(), LogisticRegressionCV(
            Cs=LR_C_GRID, cv=StratifiedKFold(LR_FOLDS, shuffle=True, random_state=seed), scoring="roc_auc",
            solver="liblinear", max_iter=1000))
    elif kind == "sklearn-hgb":
        from sklearn.ensemble import HistGradientBoostingClassifier
        model = make_pipeline(tree_features(), HistGradientBoostingClassifier(
            categorical_features=list(range(len(num), len(num) + len(cat))), random_state=seed))
    elif kind == "sklearn-hgb-select":
        # What insightcrm does for boosted trees: both tree shapes (depth 4,
        # and up to 31 leaves grown leaf-wise) at learning rate 0.1, each
        # early-stopped on the validation log-loss of 20 % of the training
        # rows with PATIENCE rounds of patience (HistGradientBoosting's own early
        # stopping: it draws the 20 % itself); the shape with the better
        # validation score is refitted on all training rows for 1/0.8 times
        # its best number of rounds. (insightcrm picks the shape by
        # validation ROC-AUC; HistGradientBoosting exposes only the score it
        # stopped on, so here it is the log-loss.)
        from sklearn.ensemble import HistGradientBoostingClassifier
        pre = tree_features()
        Xtr_t = pre.fit_transform(Xtr)
        cats = list(range(len(num), len(num) + len(cat)))
        best = None
        for shape in ({"max_depth": 4, "max_leaf_nodes": None}, {"max_depth": None, "max_leaf_nodes": 31}):
            hgb = HistGradientBoostingClassifier(
                categorical_features=cats, random_state=seed, learning_rate=0.1, max_iter=1000,
                early_stopping=True, scoring="loss", validation_fraction=0.2, n_iter_no_change=PATIENCE, tol=1e-7,
                **shape).fit(Xtr_t, ytr)
            scores = hgb.validation_score_  # [0] before the first round
            best_round = int(np.argmax(scores))
            if best is None or scores[best_round] > best[0]:
                best = (scores[best_round], shape, max(1, best_round))
        _, shape, best_round = best
        model = make_pipeline(pre, HistGradientBoostingClassifier(
            categorical_features=cats, random_state=seed, learning_rate=0.1, early_stopping=False,
            max_iter=max(1, round(best_round / 0.8)), **shape))
    else:
        import xgboost as xgb
        pre = ColumnTransformer([
            ("num", "passthrough", num),
            ("cat", OneHotEncoder(handle_unknown="ignore"), cat)])
        model = make_pipeline(pre, xgb.XGBClassifier(tree_method="hist", n_jobs=1, random_state=seed))
    model.fit(Xtr, ytr)
    p = model.predict_proba(Xte)[:, 1]
    return roc_auc_score(yte, p), f1_score(yte, (p >= 0.5).astype(int))


def run_python(kind, path, target, positive, exclude, seed, split):
    """WARM: one pipeline in this interpreter, its libraries already imported; timed from
    reading the CSV to test metrics."""
    start = time.perf_counter()
    cpu = time.process_time()  # every thread of this process (HistGradientBoosting's OpenMP too)
    auc, f1 = fit_and_test(kind, load(path, target, positive, exclude, seed, split), seed)
    return auc, f1, time.perf_counter() - start, time.process_time() - cpu


def cold_child(kinds, path, target, positive, exclude, seed, split):
    """The body of a COLD run: a fresh interpreter that imports what it needs, reads the CSV
    once and fits each pipeline on it, the way a user's script would. Prints the AUCs."""
    data = load(path, target, positive, exclude, seed, split)
    print(json.dumps({kind: fit_and_test(kind, data, seed) for kind in kinds}))


def run_python_cold(kinds, path, target, positive, exclude, seed, split):
    """COLD: `kinds` in one fresh /usr/bin/python3 process, timed from the interpreter's
    start through imports, CSV read, fits and test metrics to its exit (wall; CPU from the
    child's rusage). The caller runs it once untimed first so that .pyc files are written
    and bytecode compilation is not counted."""
    cmd = [sys.executable, os.path.abspath(__file__), "--cold-child", ",".join(kinds), path, target,
           positive, ",".join(exclude), str(seed), str(split)]
    out, seconds, cpu = run_timed(cmd)
    return {k: tuple(v) for k, v in json.loads(out.splitlines()[-1]).items()}, seconds, cpu


def run_timed(cmd):
    """Runs a child process to its exit: (its stdout, wall seconds, CPU seconds: user + system
    over all its threads, from rusage)."""
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return out, seconds, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)


def run_insightcrm(binary, path, target, positive, exclude, seed, split):
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "report.json")
        cmd = [binary, "train", "--csv", path, "--target", target, "--positive", positive,
               "--seed", str(seed), "--split", str(split), "--out", os.path.join(tmp, "m.json"),
               "--report", report]
        if exclude:
            cmd += ["--exclude", ",".join(exclude)]
        _, seconds, cpu = run_timed(cmd)
        with open(report) as f:
            r = json.load(f)
    return ({m["model"]: (m["test"]["roc_auc"], m["test"]["at_threshold"]["f1"]) for m in r["models"]},
            seconds, cpu)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--insightcrm", action="append",
                    help="the binary (default build/insightcrm); repeat to compare builds in one run")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--datasets", default=os.environ.get(
        "ICRM_DATASETS", os.path.join(here, "..", "..", "shared", "datasets")))
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--split", type=float, default=0.8)
    ap.add_argument("--repeat", type=int, default=1, help="runs per tool; the fastest is reported")
    ap.add_argument("--python-threads", type=int, default=0,
                    help="OpenMP/BLAS threads for the Python peers (0: their default, every core). On a "
                         "loaded machine HistGradientBoosting's spinning OpenMP threads burn CPU waiting "
                         "for a core; 1 measures its work alone")
    args = ap.parse_args()
    binaries = args.insightcrm or ["build/insightcrm"]
    if args.python_threads > 0:
        # Read by OpenMP and the BLAS when they load, so before any import below.
        for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.python_threads)
    cases = [
        ("bank, no duration", "bank-marketing/bank-additional-full.csv", "y", "yes", ["duration"]),
        ("bank, with duration", "bank-marketing/bank-additional-full.csv", "y", "yes", []),
        ("telco churn", "telco-churn/telco-churn.csv", "Churn", "Yes", ["customerID"]),
    ]
    # Wall seconds, and CPU seconds (user + system, all threads): on a shared
    # machine the CPU figure is the one that measures the code. Each tool runs
    # --repeat times; the fastest run is printed (the AUC does not change).
    # WARM figures: Python's libraries are imported before any clock starts
    # (timed once, below), so each is the pipeline alone, while insightcrm's
    # include starting the process. COLD figures (after them) time each peer
    # as a fresh interpreter from start to exit, the same terms as ours.
    t = time.perf_counter()
    import numpy, pandas, sklearn.ensemble, sklearn.linear_model, xgboost  # noqa: F401
    print(f"python: importing numpy, pandas, scikit-learn, xgboost took {time.perf_counter() - t:.2f} s "
          "(not counted below)")
    print(f"{'data set':<22} {'tool':<26} {'ROC-AUC':>8} {'F1':>7} {'seconds':>8} {'CPU s':>8}")

    def best_of(run):
        results = [run() for _ in range(max(1, args.repeat))]
        return min(results, key=lambda r: r[-2])

    def row(name, tool, auc="", f1="", secs="", cpu=""):
        fmt = lambda v, spec: format(v, spec) if v != "" else ""
        print(f"{name:<22} {tool:<26} {fmt(auc, '8.4f'):>8} {fmt(f1, '7.4f'):>7} {fmt(secs, '8.2f'):>8} "
              f"{fmt(cpu, '8.2f'):>8}")

    # The peers: scikit-learn's and xgboost's defaults (what a data scientist
    # would type first), and a like-for-like scikit-learn doing the selection
    # work insightcrm does (C by cross-validation, two tree shapes).
    groups = [("python defaults (3 pipelines)", ("sklearn-lr", "sklearn-hgb", "xgboost-python")),
              ("sklearn like-for-like (2)", ("sklearn-lr-cv", "sklearn-hgb-select"))]
    # The cold scripts: scikit-learn's two defaults in one script (as a user would write it),
    # the like-for-like pair in one, xgboost alone ("python defaults (3)" = first + last).
    cold_groups = [("sklearn defaults (LR+HGB)", ("sklearn-lr", "sklearn-hgb")),
                   ("sklearn like-for-like (2)", ("sklearn-lr-cv", "sklearn-hgb-select")),
                   ("xgboost-python", ("xgboost-python",))]
    compiled = set()
    for name, rel, target, positive, exclude in cases:
        path = os.path.join(args.datasets, rel)
        if not os.path.exists(path):
            print(f"{name:<22} (missing {path})")
            continue
        ours = []  # (label, wall, CPU) per binary
        for binary in binaries:
            label = "insightcrm" if len(binaries) == 1 else f"insightcrm [{binary}]"
            aucs, secs, cpu = best_of(lambda: run_insightcrm(binary, path, target, positive, exclude,
                                                             args.seed, args.split))
            for kind, (auc, f1) in aucs.items():
                row(name, f"{label} {kind}", auc, f1)
            row(name, f"{label} (all models)", secs=secs, cpu=cpu)
            ours.append((label, secs, cpu))
        peers = []  # (group, wall, CPU)
        warm_auc = {}
        sklearn_only = [0.0, 0.0]
        for group, kinds in groups:
            total = total_cpu = 0.0
            for kind in kinds:
                auc, f1, s, c = best_of(lambda: run_python(kind, path, target, positive, exclude, args.seed,
                                                           args.split))
                total += s
                total_cpu += c
                if kind in ("sklearn-lr", "sklearn-hgb"):
                    sklearn_only[0] += s
                    sklearn_only[1] += c
                row(name, kind, auc, f1, s, c)
                warm_auc[kind] = auc
            row(name, group, secs=total, cpu=total_cpu)
            peers.append((group, total, total_cpu))
        row(name, "sklearn defaults (LR+HGB)", secs=sklearn_only[0], cpu=sklearn_only[1])
        peers.append(("sklearn defaults (LR+HGB)", sklearn_only[0], sklearn_only[1]))
        # COLD: each peer as a script of its own in a fresh interpreter (start, imports, one
        # CSV read, its fits, test metrics), like insightcrm's figure. The first cold run of
        # each script is untimed, so .pyc files exist and compilation is not counted.
        cold_peers = []
        for group, kinds in cold_groups:
            if group not in compiled:
                run_python_cold(kinds, path, target, positive, exclude, args.seed, args.split)
                compiled.add(group)
            aucs, s, c = best_of(lambda: run_python_cold(kinds, path, target, positive, exclude,
                                                         args.seed, args.split))
            for kind, (auc, f1) in aucs.items():
                same = "same AUC as warm" if auc == warm_auc[kind] else \
                    f"AUC DIFFERS from warm {warm_auc[kind]:.6f}"
                print(f"{name:<22} {'cold ' + kind:<26} {auc:8.4f} {f1:7.4f}  ({same})")
            row(name, f"cold: {group}", secs=s, cpu=c)
            cold_peers.append((group, s, c))
        cold_peers.append(("python defaults (3)", cold_peers[0][1] + cold_peers[2][1],
                           cold_peers[0][2] + cold_peers[2][2]))
        for label, secs, cpu in ours:
            ratios = [f"{group}: {total / secs:.2f}x wall, {total_cpu / cpu:.2f}x CPU"
                      for group, total, total_cpu in peers]
            print(f"{name:<22} {label} faster than (warm) " + "; ".join(ratios))
            ratios = [f"{group}: {total / secs:.2f}x wall, {total_cpu / cpu:.2f}x CPU"
                      for group, total, total_cpu in cold_peers]
            print(f"{name:<22} {label} faster than (cold) " + "; ".join(ratios))
        sys.stdout.flush()

if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--cold-child":
        kinds, path, target, positive, exclude, seed, split = sys.argv[2:9]
        cold_child(kinds.split(","), path, target, positive, [c for c in exclude.split(",") if c],
                   int(seed), float(split))
    else:
        main()
