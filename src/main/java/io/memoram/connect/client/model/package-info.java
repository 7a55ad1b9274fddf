/**
 * The Memoram API's JSON records as the client reads and writes them (docs/memoram-api.md): blobs,
 * tags, access requests, credentials, token. Plain data, no behaviour beyond tolerant parsing; a
 * record that holds a secret hides it in {@code toString()}. A new field of the API goes here; a new
 * call goes to {@code client.ApiCall} and {@code client.MemoramClient}.
 */
package io.memoram.connect.client.model;
