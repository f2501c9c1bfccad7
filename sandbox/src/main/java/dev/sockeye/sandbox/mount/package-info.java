/** Bind mounts, tmpfs and lazy unmounts: the storage a sandbox root is stitched from (SOCK's bind-mount design). */
package dev.sockeye.sandbox.mount;
