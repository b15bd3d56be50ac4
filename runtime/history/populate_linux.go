package history

import "syscall"

// mapPopulate prefaults a mapping (Linux MAP_POPULATE).
const mapPopulate = syscall.MAP_POPULATE
