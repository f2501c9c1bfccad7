/** cgroup layout detection (v1 hierarchies or v2), pooled and reused cgroups, limits, OOM counts and kill-all. */
package dev.sockeye.sandbox.cgroup;
