package history

import (
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// LastFire returns when the named trigger of pipeline last fired, or the
// zero time if never. With SetLastFire it lets a scheduler compute catch-up.
func (s *Store) LastFire(ctx context.Context, pipeline, trigger string) (time.Time, error) {
	var t time.Time
	err := s.view(ctx, func(tx *bolt.Tx) error {
		v := tx.Bucket(bucketFires).Get(key(pipeline, trigger))
		if v == nil {
			return nil
		}
		return t.UnmarshalText(v)
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("last fire %s/%s: %w", pipeline, trigger, err)
	}
	return t, nil
}

// SetLastFire records that the named trigger of pipeline fired at t.
func (s *Store) SetLastFire(ctx context.Context, pipeline, trigger string, t time.Time) error {
	if err := validName("pipeline", pipeline); err != nil {
		return err
	}
	if err := validName("trigger", trigger); err != nil {
		return err
	}
	v, err := t.UTC().MarshalText()
	if err != nil {
		return err
	}
	return s.update(ctx, func(tx *bolt.Tx) error {
		return tx.Bucket(bucketFires).Put(key(pipeline, trigger), v)
	})
}
