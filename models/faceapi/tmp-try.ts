import { loadFaceApi, loadFaceApiNet } from './faceapi-reference.js';
const faceapi = await loadFaceApi();
console.log(faceapi.tf.getBackend(), typeof faceapi.nets.faceLandmark68Net);
await loadFaceApiNet(faceapi.nets.faceLandmark68Net, 'face_landmark_68_model-weights_manifest.json');
const x = faceapi.tf.zeros([1, 112, 112, 3]);
const y = await faceapi.nets.faceLandmark68Net.forward(x);
console.log(y.shape, Array.from(y.dataSync()).slice(0, 6));
