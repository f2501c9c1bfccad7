/** Sandbox root filesystems: the read-only base (host or image) and each sandbox's stitched root. */
package dev.sockeye.sandbox.rootfs;
