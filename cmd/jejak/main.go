// Command jejak runs Jejak, the event-sourced ledger of regional innovation:
// the HTTP API and dashboard, and the tools for auditors, operators and
// benchmarks. Run "jejak help" for the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// command is one subcommand of the jejak binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the HTTP API and dashboard (embedded NATS by default)", runServe},
		{"token", "issue or revoke access tokens (jejak token issue --role R ..., jejak token revoke ...)", runToken},
		{"person", "erase a person's personal data (jejak person erase --subject ID --reason TEXT --by USER)", runPerson},
		{"audit", "replay the history of an entity or region, as of any date", runAudit},
		{"generate", "append deterministic national-scale sample data", runGenerate},
		{"snapshot", "create, list or show snapshots of the index", runSnapshot},
		{"import", "import innovations (and SPD answers) from a spreadsheet (XLSX, CSV); --template for the template", runImport},
		{"export", "write the Kemendagri export of a year (XLSX, CSV, JSON, manifest)", runExport},
		{"verify", "check an export, or the signed Merkle log (--log), against the event history", runVerify},
		{"verify-proof", "check an inclusion or consistency proof offline with the public key", runVerifyProof},
		{"verify-report", "check a region report's verification code against the event history", runVerifyReport},
		{"seal-key", "create a sealing key for the Merkle log (new deployment, rotation)", runSealKey},
		{"backup", "write an online backup of the events and every bucket (JetStream snapshots)", runBackup},
		{"restore", "restore a backup into an empty store or cluster", runRestore},
		{"bench", "measure Jejak against raw JetStream (store, projections)", runBench},
		{"version", "print the version", func(_ context.Context, _ []string, stdout, _ io.Writer) error {
			fmt.Fprintln(stdout, "jejak", version)
			return nil
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if path := os.Getenv("JEJAK_MEMPROFILE"); path != "" {
		// A diagnostic for memory: each SIGUSR1 writes a heap profile of
		// the running command (after a collection) to path.
		dumpHeapOnSignal(path)
	}
	if path := os.Getenv("JEJAK_CPUPROFILE"); path != "" {
		// A diagnostic for the benchmarks: a CPU profile of the whole command.
		stopProfile, err := startCPUProfile(path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "jejak:", err)
			os.Exit(1)
		}
		code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
		stopProfile()
		os.Exit(code)
	}
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process exit code: 0 on
// success, 1 on failure, 2 on a usage error.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil, errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintln(stderr, "jejak:", err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "jejak: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, `Jejak: an event-sourced ledger of regional innovation (Indeks Inovasi Daerah).

Usage: jejak <command> [flags]

Commands:`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, `
Run "jejak <command> --help" for a command's flags. Every flag can also be
set with an environment variable: --nats-url is JEJAK_NATS_URL.

Start here:  jejak serve --demo   (then open http://localhost:8080)`)
}

// errUsage marks an error already explained to the user with the usage text.
var errUsage = errors.New("usage")

// newFlags returns a flag set that prints a helpful usage text.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("jejak "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: jejak %s\n\n%s\n\nFlags (each also read from JEJAK_<FLAG>, e.g. JEJAK_ADDR):\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags applies environment variables (JEJAK_<FLAG_NAME>) and then the
// command line, which wins.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var envErrs []string
	fs.VisitAll(func(f *flag.Flag) {
		key := "JEJAK_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok {
			if err := fs.Set(f.Name, v); err != nil {
				envErrs = append(envErrs, fmt.Sprintf("%s=%q: %v", key, v, err))
			}
		}
	})
	if len(envErrs) > 0 {
		sort.Strings(envErrs)
		fmt.Fprintln(fs.Output(), "jejak: bad environment:", strings.Join(envErrs, "; "))
		return errUsage
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	return nil
}

// dumpHeapOnSignal writes a heap profile to path on every SIGUSR1, for as
// long as the process runs (jejak serve's memory, measured while it serves).
func dumpHeapOnSignal(path string) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	go func() {
		for range sig {
			runtime.GC()
			f, err := os.Create(path)
			if err == nil {
				err = errors.Join(pprof.WriteHeapProfile(f), f.Close())
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "jejak: heap profile:", err)
			}
		}
	}()
}

func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}
