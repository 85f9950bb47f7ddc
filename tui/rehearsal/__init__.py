"""The rehearsal world: moto made faithful (fidelity/), served on 127.0.0.1, seeded, simulated,
with faults.
"""
