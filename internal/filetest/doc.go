// Package filetest writes the files a test needs (project trees, small modules) and checks the
// mode a writer gives a new file under a umask: the one copy of these steps for every package's
// tests.
package filetest
