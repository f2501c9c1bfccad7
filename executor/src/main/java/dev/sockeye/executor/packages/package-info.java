/** SOCK's install cache: every distribution installed once into a shared, read-only package store. */
package dev.sockeye.executor.packages;
