// Command gencreds writes the secrets of a Jejak cluster (NATS passwords and
// the token signing key) into a directory; see package credentials.
//
//	go run ./deploy/gencreds -dir deploy/secrets
package main

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"

	"github.com/jejak-id/jejak/deploy/credentials"
)

func main() {
	dir := flag.String("dir", "deploy/secrets", "directory to write nats.env, jejak.env and token.pem into")
	force := flag.Bool("force", false, "replace existing credentials (running services must be restarted)")
	flag.Parse()
	err := credentials.Generate(*dir, *force)
	switch {
	case errors.Is(err, fs.ErrExist):
		fmt.Println("gencreds: credentials already in", *dir, "(use -force to replace them)")
	case err != nil:
		fmt.Fprintln(os.Stderr, "gencreds:", err)
		os.Exit(1)
	default:
		fmt.Println("gencreds: wrote", *dir)
	}
}
