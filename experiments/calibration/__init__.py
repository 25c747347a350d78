"""Calibration against published patterns (issue 16): targets, outputs, ABC-SMC.

    targets.py   target files (experiments/calibration/targets/*.toml): read, validate
    outputs.py   the registry of model outputs targets name, and `observe`
    logistic.py  the odds-ratio targets' logistic regression (IRLS)
    abc.py       `grassroots calibrate`: pyabc's ABC-SMC over the uncertainty table
    sampler.py   a deterministic parallel sampler for pyabc (process pool, Dask, inline)
    posterior.py the posterior sample, predictive checks, preset and robustness ranges
    report_text.py the calibration report's text

docs/calibration.md says what the targets are and what the posterior can and cannot say.
"""
