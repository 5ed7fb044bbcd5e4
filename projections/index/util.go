package index

import (
	"cmp"
	"maps"
	"slices"
	"strings"
)

// sortedKeys returns the keys of m in ascending order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}

// insertSorted inserts v into s, which is sorted by key, keeping it sorted,
// so that live and restored states list things in the same order.
func insertSorted[T any](s []T, v T, key func(T) string) []T {
	k := key(v)
	i, _ := slices.BinarySearchFunc(s, k, func(e T, k string) int { return strings.Compare(key(e), k) })
	return slices.Insert(s, i, v)
}
