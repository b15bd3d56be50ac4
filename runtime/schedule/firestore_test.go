package schedule_test

import (
	"github.com/golemlabs/golem/runtime/history"
	"github.com/golemlabs/golem/runtime/schedule"
)

// history.Store is the FireStore golem start will pass to the scheduler.
var _ schedule.FireStore = (*history.Store)(nil)
