//go:build !unix

package worker

import "os"

func peakRSS(*os.ProcessState) int64 { return 0 }
