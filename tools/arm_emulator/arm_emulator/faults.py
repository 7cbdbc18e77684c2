"""Fault injection rules (status, latency, dropped connections) and the request log."""

import random
import re
import threading
import time

ACTIONS = ("status", "latency", "drop")


class FaultRule:
    """One rule: what to do, to which requests, how often."""

    def __init__(self, spec):
        if not isinstance(spec, dict) or spec.get("action") not in ACTIONS:
            raise ValueError("a fault rule needs 'action' in %s" % (ACTIONS,))
        self.spec = dict(spec)
        self.action = spec["action"]
        self.status = int(spec.get("status", 503))
        self.retry_after = spec.get("retry_after")
        self.latency_ms = int(spec.get("latency_ms", 0))
        self.methods = [method.upper() for method in spec.get("methods") or []]
        self.path = re.compile(spec["path"], re.IGNORECASE) if spec.get("path") else None
        self.rate = spec.get("rate")
        if self.rate is not None and not 0 <= float(self.rate) <= 1:
            raise ValueError("'rate' must be between 0 and 1")
        self.remaining = spec.get("count")
        self.rng = random.Random(spec.get("seed", 0))
        self.applied = 0

    def fires(self, method, path):
        """Decide (and account) whether the rule applies to this request."""
        if self.methods and method.upper() not in self.methods:
            return False
        if self.path is not None and not self.path.search(path):
            return False
        if self.remaining is not None and self.remaining <= 0:
            return False
        if self.rate is not None and self.rng.random() >= float(self.rate):
            return False
        if self.remaining is not None:
            self.remaining -= 1
        self.applied += 1
        return True

    def describe(self):
        """The rule as given plus its counters."""
        out = dict(self.spec)
        out["applied"] = self.applied
        if self.remaining is not None:
            out["remaining"] = self.remaining
        return out


class FaultSet:
    """An ordered, thread-safe list of rules."""

    def __init__(self):
        self.rules = []
        self.lock = threading.Lock()

    def add(self, specs):
        """Append rules (all validated first)."""
        new_rules = [FaultRule(spec) for spec in specs]
        with self.lock:
            self.rules.extend(new_rules)
        return len(new_rules)

    def clear(self):
        """Remove all rules."""
        with self.lock:
            self.rules = []

    def describe(self):
        """All rules."""
        with self.lock:
            return [rule.describe() for rule in self.rules]

    def decide(self, method, path):
        """Return (latency_ms, terminal rule or None) for a request."""
        latency, terminal = 0, None
        with self.lock:
            for rule in self.rules:
                if terminal is not None and rule.action != "latency":
                    continue
                if rule.fires(method, path):
                    if rule.action == "latency":
                        latency += rule.latency_ms
                    else:
                        terminal = rule
        return latency, terminal


class RequestLog:
    """Thread-safe list of served requests."""

    def __init__(self, limit=200000):
        self.entries = []
        self.limit = limit
        self.lock = threading.Lock()

    def add(self, entry):
        """Record one request."""
        entry.setdefault("time", time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".%03dZ" % (time.time() % 1 * 1000))
        with self.lock:
            self.entries.append(entry)
            if len(self.entries) > self.limit:
                del self.entries[: len(self.entries) - self.limit]

    def list(self):
        """A copy of all entries."""
        with self.lock:
            return list(self.entries)

    def clear(self):
        """Forget all entries."""
        with self.lock:
            self.entries = []
