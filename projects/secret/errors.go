package secret

import "errors"

// ErrNotSet means a secret is neither in the store nor in the environment.
var ErrNotSet = errors.New("not set")

// ErrBadName means a secret name is not letters, digits and _.
var ErrBadName = errors.New("invalid secret name")

// ErrNoKey means the store's key file does not exist.
var ErrNoKey = errors.New("no secrets key")

// ErrKeyInProject means the key file lies inside the project it protects.
var ErrKeyInProject = errors.New("secrets key inside the project")

// ErrDecrypt means a stored secret does not decrypt with the key.
var ErrDecrypt = errors.New("cannot decrypt")

// ErrEnvUnset means a profile references an environment variable that is not set.
var ErrEnvUnset = errors.New("environment variable not set")

// ErrUnknownProfile means a block asked for a connection the project does not define.
var ErrUnknownProfile = errors.New("unknown connection")

// ErrWrongType means a block asked for a connection of another type than the profile's.
var ErrWrongType = errors.New("wrong connection type")
