#!/usr/bin/env python3
"""Check Jejak's Merkle log test vector (docs/merkle-log-vector.json) with
nothing but the standard library: canonical commit bytes, leaf hashes, tree
roots, the checkpoints' text and key id, and the RFC 9162 inclusion and
consistency proofs. The Ed25519 signatures are checked too when the
'cryptography' package is installed. Usage: check_merkle_vector.py FILE
"""
import base64, hashlib, json, struct, sys

H = lambda b: hashlib.sha256(b).digest()
leaf = lambda canon: H(b"\x00" + canon)
node = lambda l, r: H(b"\x01" + l + r)
LEAF_HEADERS = ["Nats-Msg-Id", "Jejak-Type", "Jejak-Version"]


def field(b):
    return struct.pack(">I", len(b)) + b


def canonical(c):
    out = struct.pack(">Q", c["position"]) + field(c["subject"].encode())
    out += struct.pack(">I", len(LEAF_HEADERS))
    for name in LEAF_HEADERS:
        values = c["headers"].get(name, [])
        out += field(name.encode()) + struct.pack(">I", len(values))
        out += b"".join(field(v.encode()) for v in values)
    return out + field(c["payload"].encode())


def mth(leaves):  # RFC 9162 2.1.1
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node(mth(leaves[:k]), mth(leaves[k:]))


def inclusion_root(index, size, leaf_hash, proof):  # RFC 9162 2.1.3.2
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("proof too short")
    return r


def consistency_roots(first, second, first_root, proof):  # RFC 9162 2.1.4.2
    if first & (first - 1) == 0:
        proof = [first_root] + proof
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            raise ValueError("proof too long")
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise ValueError("proof too short")
    return fr, sr


def check(path):
    v = json.load(open(path))
    leaves = []
    for c in v["commits"]:
        canon = canonical(c)
        assert canon.hex() == c["canonical_hex"], f"canonical bytes of {c['position']}"
        leaves.append(leaf(canon))
        assert leaves[-1].hex() == c["leaf_hash"], f"leaf hash of {c['position']}"
    name, key_hash, key_b64 = v["public_key"].split("+", 2)
    key = base64.b64decode(key_b64)  # 0x01 (Ed25519) || 32-byte public key
    assert key[0] == 1 and H(name.encode() + b"\n" + key)[:4].hex() == key_hash, "key id"
    roots = {}
    for h in v["heads"]:
        body, sig_line = h["checkpoint"].split("\n\n")
        origin, size, root_b64, time_line = body.split("\n")
        sig = base64.b64decode(sig_line.rstrip("\n").split(" ")[2])
        assert origin == name and int(size) == h["size"] and time_line.startswith("time "), "checkpoint text"
        assert sig[:4].hex() == key_hash, "signature key id"
        root = mth(leaves[: h["size"]])
        assert root.hex() == h["root"] and base64.b64decode(root_b64) == root, f"root of {h['size']}"
        roots[h["size"]] = root
        try:
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(sig[4:], (body + "\n").encode())
        except ImportError:
            pass
    for p in v["inclusion"]:
        got = inclusion_root(p["leaf_index"], p["tree_size"], bytes.fromhex(p["leaf_hash"]), [bytes.fromhex(x) for x in p["hashes"]])
        assert got == mth(leaves[: p["tree_size"]]) and p["leaf_index"] == p["position"] - 1, f"inclusion of {p['position']}"
    for p in v["consistency"]:
        fr, sr = consistency_roots(p["from"], p["to"], roots[p["from"]], [bytes.fromhex(x) for x in p["hashes"]])
        assert fr == roots[p["from"]] and sr == roots[p["to"]], f"consistency {p['from']}..{p['to']}"
    print(f"ok: {len(leaves)} leaves, {len(roots)} heads, {len(v['inclusion'])} inclusion and "
          f"{len(v['consistency'])} consistency proofs")


if __name__ == "__main__":
    check(sys.argv[1])
