package domain

// MustCatalogueForTest is the 2025 catalogue, for tests in domain_test.
func MustCatalogueForTest() *Catalogue {
	c, err := CatalogueForYear(2025)
	if err != nil {
		panic(err)
	}
	return c
}
