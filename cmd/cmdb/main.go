// Command cmdb is a configuration management database that answers
// BlueKing CMDB's model / instance / association API from one binary.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/opscmdb/cmdb/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
