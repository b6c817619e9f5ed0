"""Benchmark of the crypto core, compared with OpenSSL in the same run (DESIGN.md §5).

    .venv/bin/python bench/crypto.py [--reps 7] [--seconds 0.5]

Reports medians over ``--reps`` repetitions:
- blind signatures/s (survey.crypto.blindrsa.blind_sign: gmpy2 CRT, base blinding,
  verify-after-sign) against RSA-2048 PSS signatures/s by OpenSSL through ``cryptography``, and the
  ratio of the two (repetitions are interleaved so both see the same machine state);
- token signature verifications/s (what answer intake pays);
- HPKE opens/s for each sealed size;
- Argon2id time for the default opening-code parameters, and a full two-part unwrap.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import hashes  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import padding  # noqa: E402

from survey.crypto import blindrsa, opening, seal  # noqa: E402
from survey.crypto.opening_codes import OpeningPart  # noqa: E402


def rate(fn: Callable[[], object], seconds: float) -> float:
    """Operations per second of ``fn`` over at least ``seconds`` of wall time."""
    count = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        fn()
        count += 1
        now = time.perf_counter()
        if now >= deadline:
            return count / (now - start)


def duration(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def bench_signing(reps: int, seconds: float) -> None:
    key = blindrsa.generate_token_key()
    public = key.public_key()
    input_msg = blindrsa.prepare(blindrsa.build_token_message("bench1"))
    blinded = blindrsa.blind(public, input_msg).blinded_msg
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=blindrsa.SALT_LEN)
    blind_rates, openssl_rates, ratios = [], [], []
    for _ in range(reps):  # interleaved, so drift affects both sides alike
        ours = rate(lambda: blindrsa.blind_sign(key, blinded), seconds)
        theirs = rate(lambda: key.sign(input_msg, pss, hashes.SHA384()), seconds)
        blind_rates.append(ours)
        openssl_rates.append(theirs)
        ratios.append(ours / theirs)
    sig = key.sign(input_msg, pss, hashes.SHA384())
    verify = [rate(lambda: blindrsa.verify(public, input_msg, sig), seconds) for _ in range(reps)]
    print(f"blind_sign (RSA-2048, gmpy2 CRT)     {statistics.median(blind_rates):9.0f} /s")
    print(f"OpenSSL RSA-2048 PSS sign            {statistics.median(openssl_rates):9.0f} /s")
    print(f"ratio blind_sign / OpenSSL           {statistics.median(ratios):9.2f}")
    print(f"verify token signature (OpenSSL)     {statistics.median(verify):9.0f} /s")


def bench_hpke(reps: int, seconds: float) -> None:
    key = seal.generate_seal_key()
    public = seal.seal_public_bytes(key)
    info = seal.answer_info("bench1")
    for size in seal.PADDED_SIZES:
        sealed = seal.seal(public, b" " * size, info)
        rates = [
            rate(lambda s=sealed: seal.open_sealed(key, s, info), seconds) for _ in range(reps)
        ]
        label = f"HPKE open, {len(sealed)}-byte sealed answer"
        print(f"{label:<37}{statistics.median(rates):9.0f} /s")


def bench_argon2(reps: int) -> None:
    params = opening.DEFAULT_PARAMS
    part = OpeningPart(1, bytes(9))
    salt = bytes(16)
    times = [duration(lambda: opening._stretch(part, salt, params)) for _ in range(reps)]
    label = f"m={params.memory_kib} KiB, t={params.time_cost}, p={params.parallelism}"
    print(f"Argon2id, one part ({label})  {statistics.median(times) * 1000:7.0f} ms")
    part1, part2 = opening.new_part(1), opening.new_part(2)
    pending = opening.begin_opening(part1)
    wrapped = opening.complete_opening(pending, part2, seal.generate_seal_key())
    unwrap = [duration(lambda: opening.unwrap_seal_key(wrapped, part1, part2)) for _ in range(3)]
    print(f"unwrap_seal_key, both parts              {statistics.median(unwrap) * 1000:7.0f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=7, help="repetitions (median reported)")
    parser.add_argument("--seconds", type=float, default=0.5, help="time per repetition")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}; median of {args.reps} x {args.seconds} s")
    bench_signing(args.reps, args.seconds)
    bench_hpke(args.reps, args.seconds)
    bench_argon2(args.reps)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
