package dev.sockeye.zygote.tree;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Submodules that instances were seen importing beyond their zygote (PIL.Image when Pillow's top_level.txt
 * only names PIL), per distribution. A zygote that holds a distribution imports what was learned for it, so
 * the rule stays the same: a zygote imports only modules of the packages it holds, and a function forks
 * only from zygotes whose packages it asked for. Modules outside the function's closure (the standard
 * library, or a name a handler made up) are ignored. Not thread-safe: {@link ZygoteTree} guards it.
 */
public final class LearnedImports {
  private final Map<String, Set<String>> byDistribution = new HashMap<>();

  /** Records {@code imported}; returns the modules new to each distribution key (empty if none). */
  public Map<String, List<String>> learn(List<HeldPackage> closure, List<String> imported) {
    Map<String, List<String>> fresh = new HashMap<>();
    for (String module : imported) {
      HeldPackage owner = ownerOf(closure, module);
      if (owner != null && !owner.modules().contains(module)) {
        String key = owner.key();
        if (byDistribution.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(module)) {
          fresh.computeIfAbsent(key, k -> new ArrayList<>()).add(module);
        }
      }
    }
    return fresh;
  }

  /** What a zygote that adds {@code own} imports: their top-level modules, then what was learned for them. */
  List<String> modulesFor(List<HeldPackage> own) {
    List<String> modules = new ArrayList<>();
    own.forEach(p -> modules.addAll(p.modules()));
    own.forEach(p -> modules.addAll(byDistribution.getOrDefault(p.key(), Set.of())));
    return modules;
  }

  /** The package of the closure whose top-level modules include {@code module}'s top level, or null. */
  static HeldPackage ownerOf(List<HeldPackage> closure, String module) {
    int dot = module.indexOf('.');
    String top = dot < 0 ? module : module.substring(0, dot);
    for (HeldPackage p : closure) {
      if (p.modules().contains(top)) {
        return p;
      }
    }
    return null;
  }
}
