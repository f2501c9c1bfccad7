/** The libc binding (jnr-ffi) for mount, umount2, unshare, setns and friends, with errno-naming errors. */
package dev.sockeye.sandbox.sys;
