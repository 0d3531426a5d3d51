#!/usr/bin/env python3
"""Ranking ideas tried on exported terms before touching the product (python3 with numpy and scipy).

Re-implements the word ranking in small (chunk BM25 on the body plus 0.5 x the title-and-headings
field, documents ranked by their best chunk) and measures, per corpus, R@1 / R@5 / MRR@10 of:
  lsa   latent semantic indexing (truncated SVD of tf-idf, 150 or 300 dimensions), alone and fused
  hub   a prior against "hub" documents that come up for pseudo-queries drawn from other documents
  man   a man page's NAME line added to every chunk's title-and-headings field
  ltr   a linear ranker over nine document features, trained on three corpora, tested on the fourth
  emb   query expansion: each question word adds the knowledge base's words nearest to it in the
        embedder's space (export-word-vectors.ts first), with and without the latent index

  npx tsx bench/retrieval-eval/prototypes/export-terms.ts postfix   # for each corpus first
  python3 bench/retrieval-eval/prototypes/lexical_variants.py lsa|hub|man|ltr [terms-dir]
  npx tsx bench/retrieval-eval/prototypes/export-word-vectors.ts postfix krb5   # then, for emb:
  python3 bench/retrieval-eval/prototypes/lexical_variants.py emb bench/results/terms postfix,krb5
"""
import json, random, sys
from collections import Counter
import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import svds

CORPORA = ["postfix", "krb5", "git", "bind9"]
TERMS_DIR = sys.argv[2] if len(sys.argv) > 2 else "bench/results/terms"


class Corpus:
    def __init__(self, cid, extra_ctx=None):
        d = json.load(open(f"{TERMS_DIR}/{cid}.json"))
        self.cid, self.chunks, self.questions = cid, d["chunks"], d["questions"]
        self.vocab = {}
        n = len(self.chunks)
        body, ctx = ([], [], []), ([], [], [])
        self.lens, self.clens = np.zeros(n), np.zeros(n)
        for i, c in enumerate(self.chunks):
            c_ctx = c["ctx"] + (extra_ctx.get(c["doc"], []) if extra_ctx else [])
            for target, terms in ((body, c["text"]), (ctx, c_ctx)):
                for t, k in Counter(terms).items():
                    target[0].append(i); target[1].append(self.term(t)); target[2].append(k)
            self.lens[i], self.clens[i] = len(c["text"]), len(c_ctx)
        v = len(self.vocab)
        self.tf = sp.csr_matrix((body[2], (body[0], body[1])), shape=(n, v))
        self.cf = sp.csr_matrix((ctx[2], (ctx[0], ctx[1])), shape=(n, v))
        self.b, self.idf = self.bm25(self.tf, self.lens)
        self.bc, _ = self.bm25(self.cf, self.clens)
        self.docs = sorted({c["doc"] for c in self.chunks})
        index = {d: k for k, d in enumerate(self.docs)}
        self.dix = np.array([index[c["doc"]] for c in self.chunks])

    def term(self, t):
        if t not in self.vocab:
            self.vocab[t] = len(self.vocab)
        return self.vocab[t]

    def bm25(self, m, lens, k1=1.2, b=0.75):
        n = m.shape[0]
        df = np.asarray((m > 0).sum(0)).ravel()
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        m = m.tocoo()
        w = m.data * (k1 + 1) / (m.data + k1 * (1 - b + b * lens[m.row] / lens.mean()))
        return sp.csr_matrix((w * idf[m.col], (m.row, m.col)), shape=m.shape), idf

    def qvec(self, terms):
        q = np.zeros(len(self.vocab))
        for t, k in Counter(terms).items():
            if t in self.vocab:
                q[self.vocab[t]] += k
        return q

    def chunk_scores(self, terms):
        q = self.qvec(terms)
        return self.b @ q + 0.5 * (self.bc @ q)

    def doc_order(self, chunk_scores):
        best = np.full(len(self.docs), -np.inf)
        np.maximum.at(best, self.dix, chunk_scores)
        return [self.docs[j] for j in np.argsort(-best)[:10]]


def metrics(rankings):
    r1 = r5 = mrr = 0
    for ranked, relevant in rankings:
        rank = next((k + 1 for k, d in enumerate(ranked) if d in relevant), 0)
        r1 += rank == 1; r5 += 1 <= rank <= 5; mrr += 1 / rank if rank else 0
    n = len(rankings)
    return f"R@1 {r1 / n:.3f}  R@5 {r5 / n:.3f}  MRR@10 {mrr / n:.3f}"


def latent_space(c, k=150):
    """Truncated SVD of the chunks' log tf-idf, rows normalized; a fixed start vector, since
    ARPACK's random one moves the figures by a few hundredths."""
    x = (c.tf + c.cf).tocoo()
    x = sp.csr_matrix(((1 + np.log(x.data)) * c.idf[x.col], (x.row, x.col)), shape=x.shape)
    x = sp.diags(1 / (np.sqrt(np.asarray(x.multiply(x).sum(1)).ravel()) + 1e-9)) @ x
    u, s, vt = svds(x, k=k, v0=np.random.default_rng(0).random(min(x.shape)))
    dense = u * s
    return dense / (np.linalg.norm(dense, axis=1, keepdims=True) + 1e-9), vt


def latent_scores(c, dense, vt, terms):
    """Each chunk's cosine with the question folded into the latent space."""
    qx = c.qvec(terms) * c.idf
    ql = vt @ (qx / (np.linalg.norm(qx) + 1e-9))
    return dense @ (ql / (np.linalg.norm(ql) + 1e-9))


def run_lsa():
    # Weights are read on postfix and krb5; git and bind9 check them.
    for cid in CORPORA:
        c = Corpus(cid)
        for k in (150, 300):
            dense, vt = latent_space(c, k)
            for weight in (0, 0.3, 0.5, 0.8, None):
                rankings = []
                for q in c.questions:
                    words = c.chunk_scores(q["terms"])
                    latent = latent_scores(c, dense, vt, q["terms"])
                    score = latent if weight is None else words / (words.max() + 1e-9) + weight * np.maximum(latent, 0)
                    rankings.append((c.doc_order(score), set(q["files"])))
                print(f"{cid} lsa k={k} {'alone' if weight is None else f'weight {weight}'}: {metrics(rankings)}")


def run_hub():
    for cid in ["postfix", "krb5"]:
        c = Corpus(cid)
        rng, hub, asked = random.Random(1), np.zeros(len(c.docs)), 0
        for i in (round(k * len(c.chunks) / 400) for k in range(400)):
            terms = c.chunks[i]["text"]
            if len(terms) < 8:
                continue
            start = rng.randrange(0, max(1, len(terms) - 15))
            query = [t for t in terms[start:start + 15] if rng.random() < 0.6][:10]
            if len(query) < 3:
                continue
            best = np.full(len(c.docs), -np.inf)
            np.maximum.at(best, c.dix, c.chunk_scores(query))
            for j in np.argsort(-best)[:5]:
                if j != c.dix[i]:
                    hub[j] += 1
            asked += 1
        rate, base = hub / asked, 5 / len(c.docs)
        for beta in (0, 0.1, 0.2, 0.5):
            rankings = []
            for q in c.questions:
                best = np.full(len(c.docs), -np.inf)
                np.maximum.at(best, c.dix, c.chunk_scores(q["terms"]))
                best *= (base / (base + rate)) ** beta
                rankings.append(([c.docs[j] for j in np.argsort(-best)[:10]], set(q["files"])))
            print(f"{cid} hub prior beta {beta}: {metrics(rankings)}")


def run_man():
    plain = Corpus("postfix")
    names = {}
    for ch in plain.chunks:
        t = ch["text"]
        if ch["ord"] == 0 and "name" in t and "synopsi" in t and t.index("synopsi") > t.index("name"):
            names[ch["doc"]] = t[t.index("name") + 1:t.index("synopsi")]
    for label, c in (("without", plain), ("with man NAME lines", Corpus("postfix", names))):
        rankings = [(c.doc_order(c.chunk_scores(q["terms"])), set(q["files"])) for q in c.questions]
        print(f"postfix {label} ({len(names)} man pages): {metrics(rankings)}")


def ltr_features(c):
    dt = sp.csr_matrix((np.ones(len(c.dix)), (c.dix, np.arange(len(c.chunks)))), shape=(len(c.docs), len(c.chunks)))
    present = (((dt @ ((c.tf + c.cf) > 0).astype(float)) > 0).astype(float)).tocsr()
    chunk_present = ((c.tf + c.cf) > 0).astype(float).tocsr()
    lengths = np.bincount(c.dix, minlength=len(c.docs))
    out = []
    for q in c.questions:
        qv = c.qvec(q["terms"]); w = (qv > 0) * c.idf; wsum = w.sum() + 1e-9
        sb, sc = c.b @ qv, c.bc @ qv
        s = sb + 0.5 * sc
        feats = {}
        for rank, i in enumerate(np.argsort(-s)[:200]):
            j = c.dix[i]
            if j not in feats:
                feats[j] = [s[i] / (s.max() + 1e-9), sb[i] / (sb.max() + 1e-9), sc[i] / (sc.max() + 1e-9), 0.0,
                            np.log1p(lengths[j]) / 7, float(chunk_present[i].toarray().ravel() @ w) / wsum,
                            float(present[j].toarray().ravel() @ w) / wsum, 1 / (rank + 1), 0.0]
            else:
                feats[j][3] = min(feats[j][3] + s[i] / (s.max() + 1e-9) / 5, 1)
            feats[j][8] += 1 / 20
        ids = list(feats)
        x = np.array([feats[j] for j in ids])
        order = np.argsort(-x[:, 0])[:30]
        out.append((x[order], [c.docs[ids[k]] for k in order], set(q["files"])))
    return out


def run_ltr():
    data = {cid: ltr_features(Corpus(cid)) for cid in CORPORA}
    def rank_all(qs, w):
        return [([ids[k] for k in np.argsort(-(x @ w))[:10]], rel) for x, ids, rel in qs]
    base = np.zeros(9); base[0] = 1
    for cid in CORPORA:
        pairs = []
        for other in CORPORA:
            if other == cid:
                continue
            for x, ids, rel in data[other]:
                pos = [k for k, d in enumerate(ids) if d in rel][:1]
                pairs += [x[p] - x[n] for p in pos for n in range(len(ids)) if ids[n] not in rel]
        p = np.array(pairs); w = base.copy()
        for _ in range(300):  # pairwise logistic loss, plain gradient descent
            w -= 0.5 * (-(p * (1 / (1 + np.exp(p @ w)))[:, None]).mean(0) + 1e-3 * w)
        print(f"{cid} best chunk: {metrics(rank_all(data[cid], base))}   ranker trained on the other three: {metrics(rank_all(data[cid], w))}")


def stem_vectors(c):
    """Each stem of the knowledge base: the count-weighted mean of its words' vectors, normalized."""
    d = json.load(open(f"{TERMS_DIR}/{c.cid}.json"))
    vectors = json.load(open(f"{TERMS_DIR}/{c.cid}.vectors.json"))
    dim = len(next(iter(vectors.values())))
    m, known = np.zeros((len(c.vocab), dim)), np.zeros(len(c.vocab), dtype=bool)
    extra = {}
    for stem, words in d["surface"].items():
        v = sum(np.array(vectors[w]) * n for w, n in words.items() if w in vectors)
        if isinstance(v, int) or np.linalg.norm(v) == 0:
            continue
        v = v / np.linalg.norm(v)
        if stem in c.vocab:
            m[c.vocab[stem]], known[c.vocab[stem]] = v, True
        else:
            extra[stem] = v
    return m, known, extra


def expand(c, terms, m, known, extra, tau, top, alpha):
    q = c.qvec(terms)
    for t in set(terms):
        v = m[c.vocab[t]] if t in c.vocab and known[c.vocab[t]] else extra.get(t)
        if v is None:
            continue
        sims = m @ v
        sims[~known] = -1
        for j in np.argsort(-sims)[:top + 1]:
            if sims[j] < tau or q[j] > 0:
                continue
            q[j] += alpha * sims[j]
    return q


def run_emb():
    settings = [(tau, top, alpha) for tau in (0.6, 0.7, 0.8) for top in (2, 5) for alpha in (0.3, 0.6)]
    names = sys.argv[3].split(",") if len(sys.argv) > 3 else ["postfix", "krb5"]
    total = {}
    for cid in names:
        c = Corpus(cid)
        m, known, extra = stem_vectors(c)
        dense, vt = latent_space(c)
        for latent_weight in (0, 0.8):
            for setting in [None] + settings:
                rankings = []
                for q in c.questions:
                    qv = c.qvec(q["terms"]) if setting is None else expand(c, q["terms"], m, known, extra, *setting)
                    words = c.b @ qv + 0.5 * (c.bc @ qv)
                    score = words / (words.max() + 1e-9)
                    if latent_weight:
                        score = score + latent_weight * np.maximum(latent_scores(c, dense, vt, q["terms"]), 0)
                    rankings.append((c.doc_order(score), set(q["files"])))
                label = f"latent {latent_weight} " + ("no expansion" if setting is None else "tau %.1f top %d alpha %.1f" % setting)
                result = metrics(rankings)
                total.setdefault(label, []).append([float(x) for x in result.split()[1::2]])
                print(f"{cid} {label}: {result}")
    for label, rows in total.items():
        print(f"AVERAGE {label}: " + "  ".join("%.3f" % x for x in np.mean(rows, axis=0)))


{"emb": run_emb, "lsa": run_lsa, "hub": run_hub, "man": run_man, "ltr": run_ltr}[sys.argv[1] if len(sys.argv) > 1 else "ltr"]()
