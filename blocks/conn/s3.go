package conn

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/golemlabs/golem/blocks"
	"github.com/golemlabs/golem/blocks/frame"
	"github.com/golemlabs/golem/projects"
	"github.com/golemlabs/golem/projects/secret"
)

// Bucket is the bucket of an s3 profile, on AWS or any S3-compatible server (MinIO, Ceph,
// versitygw, R2...).
type Bucket struct {
	name   string
	where  string
	bucket string
	bctx   *blocks.Context
	client *s3.Client
}

// S3 opens the s3 profile name of the project: its endpoint (empty: AWS), region (default
// us-east-1), bucket, path-style addressing and credentials (without access_key_id, the AWS SDK's
// default chain: AWS_* variables, ~/.aws, instance roles).
func S3(ctx *blocks.Context, name string) (*Bucket, error) {
	p, err := secret.Profile(ctx.ProjectDir(), name, projects.S3)
	if err != nil {
		return nil, err
	}
	where := p.Where(name)
	region := p.Region
	if region == "" {
		region = "us-east-1"
	}
	timeout := p.Timeout.D()
	if timeout <= 0 {
		timeout = defaultTimeout
	}
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(region),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(timeout)),
	}
	if p.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider(p.AccessKeyID, p.SecretAccessKey, "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx.Context(), opts...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.UsePathStyle = p.PathStyle
		if p.Endpoint != "" {
			o.BaseEndpoint = aws.String(p.Endpoint)
			// Many S3-compatible servers do not know the SDK's default CRC checksums.
			o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
			o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
		}
	})
	return &Bucket{name: name, where: where, bucket: p.Bucket, bctx: ctx, client: client}, nil
}

func (b *Bucket) url(key string) string { return "s3://" + b.bucket + "/" + key }

// List returns the keys under prefix, sorted (every page of the listing).
func (b *Bucket) List(prefix string) ([]string, error) {
	var keys []string
	pages := s3.NewListObjectsV2Paginator(b.client, &s3.ListObjectsV2Input{Bucket: aws.String(b.bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		out, err := pages.NextPage(b.bctx.Context())
		if err != nil {
			return nil, fmt.Errorf("%s: list %s: %w", b.where, b.url(prefix), err)
		}
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// Get returns the bytes of the object key.
func (b *Bucket) Get(key string) ([]byte, error) {
	out, err := b.client.GetObject(b.bctx.Context(), &s3.GetObjectInput{Bucket: aws.String(b.bucket), Key: aws.String(key)})
	if err != nil {
		return nil, fmt.Errorf("%s: get %s: %w", b.where, b.url(key), err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(out.Body)
	if err != nil {
		return nil, fmt.Errorf("%s: get %s: %w", b.where, b.url(key), err)
	}
	return data, nil
}

// Put stores data as the object key.
func (b *Bucket) Put(key string, data []byte) error {
	_, err := b.client.PutObject(b.bctx.Context(), &s3.PutObjectInput{
		Bucket: aws.String(b.bucket), Key: aws.String(key), Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
	})
	if err != nil {
		return fmt.Errorf("%s: put %s: %w", b.where, b.url(key), err)
	}
	return nil
}

// ReadParquet reads parquet objects into one frame, unifying their schemas as frame.ReadParquet
// does. A key ending in "/" stands for every .parquet object under that prefix.
func (b *Bucket) ReadParquet(keys ...string) (*frame.Frame, error) {
	start := time.Now()
	var all []string
	for _, k := range keys {
		if !strings.HasSuffix(k, "/") {
			all = append(all, k)
			continue
		}
		listed, err := b.List(k)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, l := range listed {
			if strings.HasSuffix(l, ".parquet") {
				all = append(all, l)
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no .parquet objects under %s", b.where, b.url(k))
		}
	}
	if len(all) == 0 {
		return nil, fmt.Errorf("%s: ReadParquet: no keys", b.where)
	}
	names := make([]string, len(all))
	data := make([][]byte, len(all))
	var size int
	for i, k := range all {
		d, err := b.Get(k)
		if err != nil {
			return nil, err
		}
		names[i], data[i] = b.url(k), d
		size += len(d)
	}
	f, err := frame.ReadParquetBytes(names, data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.where, err)
	}
	b.bctx.Logf("%s: read %d rows from %d object(s), %d bytes, in %s", b.name, f.NumRows(), len(all), size, time.Since(start).Round(time.Millisecond))
	return f, nil
}

// ReadCSV reads a CSV object (with a header row; types inferred as frame.ReadCSV does).
func (b *Bucket) ReadCSV(key string) (*frame.Frame, error) {
	data, err := b.Get(key)
	if err != nil {
		return nil, err
	}
	f, err := frame.ReadCSVBytes(b.url(key), data, frame.CSVOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", b.where, err)
	}
	b.bctx.Logf("%s: read %d rows from %s", b.name, f.NumRows(), b.url(key))
	return f, nil
}

// WriteParquet stores f as a parquet object (as frame.WriteParquet writes a file).
func (b *Bucket) WriteParquet(f *frame.Frame, key string) error {
	var buf bytes.Buffer
	if err := f.WriteParquetTo(&buf); err != nil {
		return fmt.Errorf("%s: write %s: %w", b.where, b.url(key), err)
	}
	if err := b.Put(key, buf.Bytes()); err != nil {
		return err
	}
	b.bctx.Logf("%s: wrote %d rows to %s (%d bytes)", b.name, f.NumRows(), b.url(key), buf.Len())
	return nil
}

// WriteCSV stores f as a CSV object (as frame.WriteCSV writes a file).
func (b *Bucket) WriteCSV(f *frame.Frame, key string) error {
	var buf bytes.Buffer
	if err := f.WriteCSVTo(&buf); err != nil {
		return fmt.Errorf("%s: write %s: %w", b.where, b.url(key), err)
	}
	if err := b.Put(key, buf.Bytes()); err != nil {
		return err
	}
	b.bctx.Logf("%s: wrote %d rows to %s (%d bytes)", b.name, f.NumRows(), b.url(key), buf.Len())
	return nil
}
