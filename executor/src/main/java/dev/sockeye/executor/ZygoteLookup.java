package dev.sockeye.executor;

/** How well the zygote a fork came from matched the function's packages. */
public enum ZygoteLookup {
  /** A zygote holding exactly the function's package set. */
  BEST,
  /** A zygote holding part of the set: the instance imports the rest itself. */
  ANCESTOR,
  /** The tenant's root, which holds no packages, while the function needs some. */
  ROOT
}
